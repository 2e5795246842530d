import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { PublicUser } from '../core/auth.types';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../core/http/cookie.options';
import { UserStore } from '../core/ports/user-store.interface';
import { SignInPipeline } from '../core/sign-in/sign-in-pipeline';
import { IdentityResolver } from '../core/users/identity-resolver.service';

/** Where the helpers find the library's providers: the `INestApplication` or the compiled `TestingModule`. */
export type AuthTestApp = Pick<INestApplicationContext, 'get'>;

/** A user to create; every field is optional. */
export interface TestUserInput {
  /** Default: a fresh `test-user-<random>@example.com`. */
  email?: string;
  /** Default: a random password that passes the password policy. */
  password?: string;
  /** Default: the registration's default roles (`['user']` unless configured). */
  roles?: string[];
  /** Default `true`, so the verified-email rule (`requireVerifiedEmail`) lets the user sign in. */
  emailVerified?: boolean;
  /** Passed to the user store as `profile` (what `registrationFields` would hold). */
  profile?: Record<string, unknown>;
}

/** A user created by `createTestUser`: its public part and its password (to sign in over HTTP, change it...). */
export interface TestUser extends PublicUser {
  password: string;
}

/** A signed-in session, ready to send: `request(server).get('/admin').set(session.headers)`. */
export interface TestSession {
  accessToken: string;
  /** The session's refresh token (sent as the cookie, or as `{ refreshToken }` under `refreshTokenTransport: 'body'`). */
  refreshToken: string;
  /** `{ authorization: 'Bearer <access token>' }`. */
  headers: { authorization: string };
  /** The refresh cookie as a `Cookie` header value (`<cookie name>=<refresh token>`), for `POST /auth/refresh` and logout. */
  cookie: string;
  sessionId: string;
  user: TestUser;
}

const get = <T>(app: AuthTestApp, token: unknown): T => app.get<T>(token as never, { strict: false });

/**
 * Creates a user in the app's own stores (the configured `userStore`, Redis or memory by default), through
 * `IdentityResolver.createUser`: the password is hashed and checked by the password policy as in production.
 *
 * @example
 * ```ts
 * const editor = await createTestUser(app, { roles: ['editor'] });
 * ```
 */
export async function createTestUser(app: AuthTestApp, input: TestUserInput = {}): Promise<TestUser> {
  const password = input.password ?? `pw-${randomBytes(18).toString('base64url')}`;
  const email = input.email ?? `test-user-${randomBytes(6).toString('hex')}@example.com`;
  const user = await get<IdentityResolver>(app, IdentityResolver).createUser({
    email, password, roles: input.roles, emailVerified: input.emailVerified ?? true, profile: input.profile,
  });
  return { id: user.id, email: user.email, roles: [...user.roles], password };
}

/**
 * Signs a user in through the real sign-in pipeline (`SignInPipeline`: the sign-in steps and hooks run, then a
 * session is created in the session store), so the tokens pass the guards' session check like a real sign-in's.
 * Given a `TestUser` (from `createTestUser`), signs that user in; given `TestUserInput` (or nothing), creates the
 * user first. A sign-in step that suspends the sign-in (a challenge) or refuses it makes the promise reject.
 *
 * @example
 * ```ts
 * const admin = await signInAs(app, { roles: ['admin'] });
 * await request(app.getHttpServer()).get('/admin').set(admin.headers).expect(200);
 * ```
 */
export async function signInAs(app: AuthTestApp, who: TestUserInput | TestUser = {}): Promise<TestSession> {
  const user = isTestUser(who) ? who : await createTestUser(app, who);
  const stored = await get<UserStore>(app, UserStore).findById(user.id);
  if (!stored) throw new Error(`nestjs-authkit/testing: signInAs: no user with id ${user.id} in the user store`);
  const outcome = await get<SignInPipeline>(app, SignInPipeline).signIn(
    { user: stored, method: 'password', amr: ['pwd'] },
    { ip: '127.0.0.1', userAgent: 'nestjs-authkit/testing' },
  );
  if (outcome.status !== 'signed_in') {
    throw new Error('nestjs-authkit/testing: signInAs: a sign-in step suspended the sign-in with a challenge');
  }
  const { accessToken, refreshToken } = outcome.tokens;
  const cookieName = get<ResolvedCookieOptions>(app, COOKIE_OPTIONS).cookie.name;
  return {
    accessToken,
    refreshToken,
    headers: { authorization: `Bearer ${accessToken}` },
    cookie: `${cookieName}=${refreshToken}`,
    sessionId: outcome.sessionId,
    user: { ...user, roles: [...stored.roles] },
  };
}

function isTestUser(who: TestUserInput | TestUser): who is TestUser {
  return typeof (who as Partial<TestUser>).id === 'string';
}
