import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AllowAnonymous, AuthService } from '@thallesp/nestjs-better-auth';
import type { BenchAuth } from './better-auth.instance';

/** `POST /bench/users`: accounts that sign in with email and password. */
interface UsersRequest {
  emails: string[];
  password: string;
}

/** `POST /bench/sessions`: sessions `from` .. `from + count - 1`, `sessionsPerUser` per password-less user. */
interface SessionsRequest {
  from: number;
  count: number;
  sessionsPerUser: number;
  ip: string;
  userAgent: string | null;
}

/**
 * Test data for the Better Auth rows, made in the app's own process by Better Auth's own code (the library's
 * bench makes its data with its own services the same way: bench/support/fixtures.ts). Never measured.
 */
@Controller('bench')
export class BetterAuthFixturesController {
  constructor(private readonly auth: AuthService<BenchAuth>) {}

  /** Accounts through `auth.api.signUpEmail` (what `POST /api/auth/sign-up/email` runs, without its rate limit). */
  @AllowAnonymous()
  @Post('users')
  @HttpCode(204)
  async users(@Body() body: UsersRequest): Promise<void> {
    if (!Array.isArray(body?.emails) || typeof body.password !== 'string') throw new BadRequestException();
    for (let i = 0; i < body.emails.length; i += 8) {
      await Promise.all(
        body.emails.slice(i, i + 8).map((email) => this.auth.api.signUpEmail({ body: { email, password: body.password, name: 'Bench User' } })),
      );
    }
  }

  /**
   * Sessions as sign-in makes them (`internalAdapter.createSession`: the session in Redis, the user's
   * active-sessions list), for the memory measurement: users with no password, no name and no image (the
   * smallest user record a session can copy), the client's ip and user agent on every session.
   */
  @AllowAnonymous()
  @Post('sessions')
  @HttpCode(204)
  async sessions(@Body() body: SessionsRequest): Promise<void> {
    const { from, count, sessionsPerUser, ip, userAgent } = body ?? {};
    if (![from, count, sessionsPerUser].every(Number.isInteger) || typeof ip !== 'string') throw new BadRequestException();
    const context = await this.auth.instance.$context;
    const users: number[] = [];
    for (let i = from; i < from + count; i++) if (i % sessionsPerUser === 0) users.push(i);
    for (let start = 0; start < users.length; start += 200) {
      await Promise.all(
        users.slice(start, start + 200).map(async (first) => {
          const user = await context.internalAdapter.createUser({ email: `memory-${first}@bench.test`, name: '', emailVerified: false }, { method: 'admin' });
          // One user's sessions one after the other: each rewrites the user's active-sessions list.
          for (let s = first; s < Math.min(first + sessionsPerUser, from + count); s++) {
            await context.internalAdapter.createSession(user.id, false, { ipAddress: ip, userAgent: userAgent ?? '' });
          }
        }),
      );
    }
  }
}
