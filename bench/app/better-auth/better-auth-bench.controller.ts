import { Controller, Get } from '@nestjs/common';
import { AllowAnonymous, Session } from '@thallesp/nestjs-better-auth';

/** The same answer as the library's bench app (bench/app/bench.controller.ts): only the guard differs. */
interface Answer {
  ok: true;
  id: string | null;
}

/** What `@Session()` hands a handler: Better Auth's session and user, or null on an anonymous request. */
interface BetterAuthSession {
  user: { id: string };
}

/** The routes of the Better Auth rows, behind `@thallesp/nestjs-better-auth`'s global `AuthGuard`. */
@Controller()
export class BetterAuthBenchController {
  /** Row b1: `@AllowAnonymous()`, requested without a cookie (the guard still looks for one). */
  @AllowAnonymous()
  @Get()
  open(@Session() session: BetterAuthSession | null): Answer {
    return { ok: true, id: session?.user.id ?? null };
  }

  /** Row b2: any signed-in user; the global guard reads the session (`auth.api.getSession`). */
  @Get('guarded')
  guarded(@Session() session: BetterAuthSession): Answer {
    return { ok: true, id: session.user.id };
  }
}
