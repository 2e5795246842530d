import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { AllowAnonymous, AuthService } from '@thallesp/nestjs-better-auth';
import type { BenchAuth } from './better-auth.instance';

/** `POST /bench/users`: accounts that sign in with email and password. */
interface UsersRequest {
  emails: string[];
  password: string;
}

/**
 * `POST /bench/sessions`: sessions `from` .. `from + count - 1`, `sessionsPerUser` per password-less user, whose
 * emails start with `tag` (unique per measurement: the users stay in the database when Redis is flushed).
 */
interface SessionsRequest {
  tag: string;
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
  /** Users of `POST /bench/sessions` by tag and first session index. */
  private readonly memoryUsers = new Map<string, string>();

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
    const { tag, from, count, sessionsPerUser, ip, userAgent } = body ?? {};
    if (![from, count, sessionsPerUser].every(Number.isInteger) || typeof ip !== 'string' || typeof tag !== 'string') throw new BadRequestException();
    const context = await this.auth.instance.$context;
    // Runs of sessions by user; the first run may belong to the user the previous request of this tag began.
    const runs: { first: number; count: number }[] = [];
    for (let i = from; i < from + count; i++) {
      if (i % sessionsPerUser === 0 || !runs.length) runs.push({ first: i - (i % sessionsPerUser), count: 0 });
      runs[runs.length - 1].count++;
    }
    for (let start = 0; start < runs.length; start += 200) {
      await Promise.all(
        runs.slice(start, start + 200).map(async (run) => {
          const key = `${tag}-${run.first}`;
          let userId = this.memoryUsers.get(key);
          if (!userId) {
            userId = (await context.internalAdapter.createUser({ email: `${key}@bench.test`, name: '', emailVerified: false }, { method: 'admin' })).id;
            this.memoryUsers.set(key, userId);
          }
          // One user's sessions one after the other: each rewrites the user's active-sessions list.
          for (let s = 0; s < run.count; s++) {
            await context.internalAdapter.createSession(userId, false, { ipAddress: ip, userAgent: userAgent ?? '' });
          }
        }),
      );
    }
  }
}
