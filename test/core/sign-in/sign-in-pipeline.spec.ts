import { AuthRejectedError, EmailUnverifiedError, MemorySessionStore, MemoryUserStore, type SignInStep, type StoredUser, TokenService } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { sessionStoreSettings } from '../../../lib/core/sessions/session.options';
import { RefreshService } from '../../../lib/core/sessions/refresh.service';
import { SessionIssuer } from '../../../lib/core/sign-in/session-issuer';
import { SignInPipeline } from '../../../lib/core/sign-in/sign-in-pipeline';
import { BeforeLoginHookStep, VerifiedEmailStep } from '../../../lib/core/sign-in/sign-in.steps';
import { ManualClock } from '../../../lib/testing/manual-clock';

const SECRET = 'unit-secret-that-is-at-least-32-bytes-long!';
const stores: MemorySessionStore[] = [];
afterAll(() => stores.forEach((store) => store.close()));

function setup(options: Parameters<typeof resolveAuthOptions>[0] = { jwt: { secret: SECRET } }, appSteps: SignInStep[] = []) {
  const clock = new ManualClock();
  const resolved = resolveAuthOptions(options);
  const sessions = new MemorySessionStore(sessionStoreSettings(resolved.sessions), clock.now);
  const users = new MemoryUserStore();
  const tokens = new TokenService(resolved.jwt);
  const emitted: Array<[string, Record<string, unknown>]> = [];
  const events = new AuthEvents(undefined, { emit: (name: string, payload: unknown) => emitted.push([name, payload as Record<string, unknown>]) });
  const issuer = new SessionIssuer(tokens, sessions, resolved.sessions, resolved.account);
  const steps = [new VerifiedEmailStep(resolved.account), new BeforeLoginHookStep(resolved.account), ...appSteps];
  const pipeline = new SignInPipeline(issuer, events, steps);
  const refresh = new RefreshService(tokens, issuer, sessions, users, resolved.sessions, events);
  stores.push(sessions);
  return { clock, sessions, users, tokens, pipeline, refresh, emitted, steps };
}

async function newUser(users: MemoryUserStore, overrides: Partial<StoredUser> = {}): Promise<StoredUser> {
  return users.create({ email: `u${Math.random()}@example.com`, passwordHash: 'hash', roles: ['user'], emailVerified: false, ...overrides });
}

describe('SignInPipeline and SessionIssuer (memory stores, ManualClock)', () => {
  it('every step passes: SessionIssuer creates one session recording amr and authTime; the access token carries amr and auth_time; LoginSucceeded is emitted', async () => {
    const { users, sessions, tokens, pipeline, emitted, clock } = setup();
    const user = await newUser(users);
    const outcome = await pipeline.signIn({ user, method: 'password', amr: ['pwd'] }, { ip: '203.0.113.9' });
    if (outcome.status !== 'signed_in') throw new Error('expected a session');
    const [session] = await sessions.list(user.id);
    expect(session).toMatchObject({ id: outcome.sessionId, amr: ['pwd'], authTime: clock.now(), ip: '203.0.113.9' });
    expect(tokens.verifyAccessToken(outcome.tokens.accessToken)).toMatchObject({ amr: ['pwd'], auth_time: Math.floor(clock.now() / 1000) });
    expect(emitted.map(([name]) => name)).toEqual(['authkit.login.succeeded']);
  });

  it('a refusing step: no session, the AuthError propagates, LoginFailed carries its code; later steps do not run', async () => {
    const later = { run: jest.fn() };
    const refuse: SignInStep = { run: () => { throw new AuthRejectedError('nope'); } };
    const { users, sessions, pipeline, emitted } = setup(undefined, [refuse, later]);
    const user = await newUser(users);
    await expect(pipeline.signIn({ user, method: 'oauth', provider: 'github', amr: ['oauth'] })).rejects.toMatchObject({ code: 'nope' });
    expect(await sessions.list(user.id)).toEqual([]);
    expect(later.run).not.toHaveBeenCalled();
    expect(emitted).toEqual([['authkit.login.failed', expect.objectContaining({ reason: 'nope', userId: user.id })]]);
  });

  it('a step that returns a challenge suspends the sign-in (no session); resuming after that step issues it', async () => {
    const mfa: SignInStep = { run: () => ({ challenge: 'mfa', body: { mfaRequired: true, mfaToken: 'opaque', methods: ['totp'] } }) };
    const { users, sessions, pipeline } = setup(undefined, [mfa]);
    const user = await newUser(users);
    const suspended = await pipeline.signIn({ user, method: 'password', amr: ['pwd'] });
    expect(suspended).toEqual({ status: 'challenge', challenge: { challenge: 'mfa', body: { mfaRequired: true, mfaToken: 'opaque', methods: ['totp'] } } });
    expect(await sessions.list(user.id)).toEqual([]);
    const resumed = await pipeline.signIn({ user, method: 'password', amr: ['pwd', 'otp', 'mfa'] }, {}, { after: mfa });
    expect(resumed.status).toBe('signed_in');
    expect((await sessions.list(user.id))[0].amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('steps see the user without its password hash, the method, provider, amr and client', async () => {
    const seen: unknown[] = [];
    const { users, pipeline } = setup(undefined, [{ run: (attempt) => void seen.push(attempt) }]);
    const user = await newUser(users);
    await pipeline.signIn({ user, method: 'oauth', provider: 'google', amr: ['oauth'], created: true }, { ip: '198.51.100.1' });
    expect(seen[0]).toMatchObject({ method: 'oauth', provider: 'google', amr: ['oauth'], kind: 'sign-in', created: true, hasPassword: true, client: { ip: '198.51.100.1' } });
    expect((seen[0] as { user: object }).user).not.toHaveProperty('passwordHash');
  });

  it('requireVerifiedEmail refuses a password sign-in of an unverified account, the registration sign-in too, not OAuth', async () => {
    const { users, pipeline } = setup({ jwt: { secret: SECRET }, requireVerifiedEmail: true });
    const user = await newUser(users);
    await expect(pipeline.signIn({ user, method: 'password', amr: ['pwd'] })).rejects.toBeInstanceOf(EmailUnverifiedError);
    await expect(pipeline.signIn({ user, method: 'password', amr: ['pwd'], kind: 'registration', created: true })).rejects.toBeInstanceOf(EmailUnverifiedError);
    expect((await pipeline.signIn({ user, method: 'oauth', amr: ['oauth'] })).status).toBe('signed_in');
  });

  it('hooks.beforeLogin runs as a step (refusing with its code), not for the registration sign-in; a registration emits Registered only', async () => {
    const beforeLogin = jest.fn(() => { throw new AuthRejectedError('hook_said_no'); });
    const { users, pipeline, emitted } = setup({ jwt: { secret: SECRET }, hooks: { beforeLogin } });
    const user = await newUser(users);
    await expect(pipeline.signIn({ user, method: 'password', amr: ['pwd'] })).rejects.toMatchObject({ code: 'hook_said_no' });
    emitted.length = 0;
    expect((await pipeline.signIn({ user, method: 'password', amr: ['pwd'], kind: 'registration', created: true })).status).toBe('signed_in');
    expect(beforeLogin).toHaveBeenCalledTimes(1);
    expect(emitted.map(([name]) => name)).toEqual(['authkit.user.registered']);
  });

  it('SessionIssuer refuses an amr outside AMR_VALUES (a programming error) before creating anything', async () => {
    const { users, sessions, pipeline } = setup();
    const user = await newUser(users);
    await expect(pipeline.signIn({ user, method: 'password', amr: ['password'] })).rejects.toBeInstanceOf(TypeError);
    await expect(pipeline.signIn({ user, method: 'password', amr: [] })).rejects.toBeInstanceOf(TypeError);
    expect(await sessions.list(user.id)).toEqual([]);
  });
});

describe('RefreshService (memory stores, ManualClock)', () => {
  it('a refresh keeps the session amr and auth_time in the new access token, however late', async () => {
    const { users, pipeline, refresh, tokens, clock } = setup();
    const user = await newUser(users);
    const signedIn = await pipeline.signIn({ user, method: 'oauth', provider: 'github', amr: ['oauth'] });
    if (signedIn.status !== 'signed_in') throw new Error('expected a session');
    const authTime = Math.floor(clock.now() / 1000);
    clock.advance(20 * 60_000);
    const pair = await refresh.refresh(signedIn.tokens.refreshToken);
    expect(tokens.verifyAccessToken(pair.accessToken)).toMatchObject({ amr: ['oauth'], auth_time: authTime });
    clock.advance(1_000);
    const again = await refresh.refresh(pair.refreshToken);
    expect(tokens.verifyAccessToken(again.accessToken)).toMatchObject({ amr: ['oauth'], auth_time: authTime });
  });

  it('logoutWithRefreshToken ends the session; a malformed token ends nothing', async () => {
    const { users, pipeline, refresh, sessions } = setup();
    const user = await newUser(users);
    const signedIn = await pipeline.signIn({ user, method: 'password', amr: ['pwd'] });
    if (signedIn.status !== 'signed_in') throw new Error('expected a session');
    expect(await refresh.logoutWithRefreshToken('not-a-token')).toBe(false);
    expect(await refresh.logoutWithRefreshToken(signedIn.tokens.refreshToken)).toBe(true);
    expect(await sessions.list(user.id)).toEqual([]);
  });
});
