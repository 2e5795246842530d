import 'reflect-metadata';
import { type ExecutionContext, HttpException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GraphQLError } from 'graphql';
import { resolveAuthOptions } from '../../../lib/auth.options';
import { MemorySessionStore } from '../../../lib/adapters/memory/memory-session.store';
import { AUTHENTICATING_GUARD_KEY } from '../../../lib/core/auth.constants';
import { AccessTokenInvalidError, SessionRevokedError, StoreUnavailableError } from '../../../lib/core/errors/auth.errors';
import { toHttpException } from '../../../lib/core/errors/auth-http-status';
import { AuthkitAuthGuard } from '../../../lib/core/guards/authkit-auth.guard';
import { AuthkitJwtStrategy } from '../../../lib/core/guards/authkit-jwt.strategy';
import { sessionStoreSettings } from '../../../lib/core/sessions/session.options';
import { TokenService } from '../../../lib/core/tokens/token.service';

/**
 * The passport side on its own: `AuthkitAuthGuard` (memoised per strategy, the library's error shape for every
 * refusal passport reports) and `AuthkitJwtStrategy` (its pinned passport-jwt options, the key provider, and
 * `validate` against a real MemorySessionStore).
 */
const SECRET = 'p'.repeat(32);
const OLD_SECRET = 'o'.repeat(48);

type Response = { headers: Record<string, string>; setHeader(name: string, value: string): void };

function http(request: unknown = { headers: {} }): { context: ExecutionContext; response: Response } {
  const response: Response = { headers: {}, setHeader(name, value) { this.headers[name] = value; } };
  return { context: new ExecutionContextHost([request, response, () => undefined]), response };
}

function typed(type: string, args: unknown[]): ExecutionContext {
  const host = new ExecutionContextHost(args);
  host.setType(type);
  return host;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing thrown');
}

function body(error: unknown): unknown {
  expect(error).toBeInstanceOf(HttpException);
  return { status: (error as HttpException).getStatus(), ...(error as HttpException).getResponse() as object };
}

describe('AuthkitAuthGuard', () => {
  type Guard = { getRequest(context: ExecutionContext): unknown; handleRequest<T>(error: unknown, user: T | false, info: unknown, context: ExecutionContext): T };
  const guard = () => new (AuthkitAuthGuard())() as unknown as Guard;

  it('is memoised per strategy name, named after it and marked as an authenticating guard', () => {
    expect(AuthkitAuthGuard()).toBe(AuthkitAuthGuard('authkit-jwt'));
    expect(AuthkitAuthGuard('jwt')).toBe(AuthkitAuthGuard('jwt'));
    expect(AuthkitAuthGuard('jwt')).not.toBe(AuthkitAuthGuard());
    expect(AuthkitAuthGuard().name).toBe('AuthkitAuthGuard(authkit-jwt)');
    expect(AuthkitAuthGuard('jwt').name).toBe('AuthkitAuthGuard(jwt)');
    expect(Reflect.getMetadata(AUTHENTICATING_GUARD_KEY, AuthkitAuthGuard('jwt'))).toBe(true);
  });

  it('getRequest: the HTTP request, the GraphQL req, else the first argument', () => {
    const request = { headers: { authorization: 'Bearer x' } };
    expect(guard().getRequest(http(request).context)).toBe(request);
    expect(guard().getRequest(typed('graphql', [{}, {}, { req: request }, {}]))).toBe(request);
    expect(guard().getRequest(typed('rpc', [request, {}]))).toBe(request);
  });

  it('passes the user through when passport reports no error', () => {
    const user = { id: 'u1' };
    expect(guard().handleRequest(null, user, undefined, http().context)).toBe(user);
    expect(guard().handleRequest(undefined, user, { message: 'ignored' }, http().context)).toBe(user);
  });

  it('turns passport-jwt\'s refusals into the library\'s 401s with WWW-Authenticate', () => {
    const cases: Array<[unknown, unknown, string, string]> = [
      [null, { name: 'TokenExpiredError', message: 'jwt expired' }, 'access_token_expired', 'Bearer error="invalid_token"'],
      [null, { message: 'No auth token' }, 'access_token_missing', 'Bearer'],
      [null, { message: 'no AUTH token here' }, 'access_token_missing', 'Bearer'],
      [null, { name: 'JsonWebTokenError', message: 'invalid signature' }, 'access_token_invalid', 'Bearer error="invalid_token"'],
      [null, { message: 42 }, 'access_token_invalid', 'Bearer error="invalid_token"'],
      [null, 'No auth token', 'access_token_invalid', 'Bearer error="invalid_token"'],
      [null, null, 'access_token_invalid', 'Bearer error="invalid_token"'],
      [undefined, undefined, 'access_token_invalid', 'Bearer error="invalid_token"'],
      [new Error('No auth token'), undefined, 'access_token_missing', 'Bearer'],
      [new HttpException('plain', 401), undefined, 'access_token_invalid', 'Bearer error="invalid_token"'],
      [new HttpException({ message: 'no code' }, 401), { name: 'TokenExpiredError' }, 'access_token_expired', 'Bearer error="invalid_token"'],
    ];
    for (const [error, info, code, challenge] of cases) {
      const { context, response } = http();
      expect(body(thrown(() => guard().handleRequest(error, false, info, context)))).toMatchObject({ status: 401, statusCode: 401, code });
      expect(response.headers).toEqual({ 'WWW-Authenticate': challenge });
    }
  });

  it('an error wins over a user; the library\'s own errors keep their code, directly or as the cause of an HttpException', () => {
    const user = { id: 'u1' };
    const direct = http();
    expect(body(thrown(() => guard().handleRequest(new StoreUnavailableError(), user, undefined, direct.context)))).toMatchObject({ status: 503, code: 'store_unavailable' });
    expect(direct.response.headers).toEqual({ 'Retry-After': '1' });
    const wrapped = http();
    expect(body(thrown(() => guard().handleRequest(toHttpException(new SessionRevokedError()), false, undefined, wrapped.context)))).toMatchObject({ status: 401, code: 'session_revoked' });
    expect(wrapped.response.headers).toEqual({ 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  });

  it('an app\'s exception already in the library\'s shape passes through untouched', () => {
    const own = new HttpException({ statusCode: 403, code: 'tenant_closed', message: 'Closed' }, 403);
    const { context, response } = http();
    expect(thrown(() => guard().handleRequest(own, false, { name: 'TokenExpiredError' }, context))).toBe(own);
    expect(response.headers).toEqual({});
  });

  it('over GraphQL: a GraphQLError with the code, and no response header', () => {
    const response = { setHeader: jest.fn() };
    const error = thrown(() => guard().handleRequest(toHttpException(new SessionRevokedError()), false, undefined, typed('graphql', [{}, response, { req: { headers: {} } }, {}])));
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions).toEqual({ code: 'session_revoked', statusCode: 401 });
    expect(response.setHeader).not.toHaveBeenCalled();
  });
});

describe('AuthkitJwtStrategy', () => {
  const stores: MemorySessionStore[] = [];
  afterEach(() => stores.splice(0).forEach((store) => store.close()));

  async function setup(mode: 'session' | 'stateless' = 'session') {
    const options = resolveAuthOptions({
      jwt: { secret: SECRET, issuer: 'iss-x', audience: 'aud-x', clockToleranceSeconds: 3, verificationKeys: [{ keyId: 'old', algorithm: 'HS384', key: OLD_SECRET }, { keyId: 'older', algorithm: 'HS256', key: 'q'.repeat(32) }] },
      accessTokenValidation: mode,
    });
    const sessions = new MemorySessionStore(sessionStoreSettings(options.sessions));
    stores.push(sessions);
    await sessions.create({ userId: 'u1', sessionId: 's1', secretHash: 'h'.repeat(43), credentialVersion: 0 });
    const tokens = new TokenService(options.jwt);
    return { tokens, sessions, strategy: new AuthkitJwtStrategy(tokens, sessions, options.sessions, options.jwt) };
  }

  const payload = { sub: 'u1', sid: 's1', exp: 2_000_000_000, roles: ['user', 3, 'admin'], email: 'a@example.test', amr: ['pwd', null], auth_time: 1_700_000_000, tenant: 't1' };

  async function refusal(run: Promise<unknown>): Promise<unknown> {
    return body(await run.then(() => { throw new Error('accepted'); }, (error: unknown) => error));
  }

  it('hands passport-jwt the configured algorithms (each once), issuer, audience, tolerance and the Bearer header', async () => {
    const { strategy } = await setup();
    const internals = strategy as unknown as { _verifOpts: Record<string, unknown>; _jwtFromRequest: (request: unknown) => unknown };
    expect(internals._verifOpts).toMatchObject({ algorithms: ['HS256', 'HS384'], issuer: 'iss-x', audience: 'aud-x', clockTolerance: 3 });
    expect(internals._jwtFromRequest({ headers: { authorization: 'Bearer abc.def.ghi' } })).toBe('abc.def.ghi');
    // Without jwt.verificationKeys: the signing key's algorithm alone.
    const plain = resolveAuthOptions({ jwt: { secret: OLD_SECRET, algorithm: 'HS384' } });
    const tokens = new TokenService(plain.jwt);
    const store = new MemorySessionStore(sessionStoreSettings(plain.sessions));
    stores.push(store);
    const only = new AuthkitJwtStrategy(tokens, store, plain.sessions, plain.jwt);
    expect((only as unknown as { _verifOpts: { algorithms: unknown } })._verifOpts.algorithms).toStrictEqual(['HS384']);
  });

  it('the key provider answers the KeyObject of the token\'s kid, or the refusal', async () => {
    const { strategy, tokens } = await setup();
    const provider = (strategy as unknown as { _secretOrKeyProvider: (request: unknown, token: string, done: (error: unknown, key?: unknown) => void) => void })._secretOrKeyProvider;
    const { accessToken } = tokens.signAccessToken({ userId: 'u1', sessionId: 's1', roles: [] });
    const done = jest.fn();
    provider({}, accessToken, done);
    expect(done).toHaveBeenCalledWith(null, tokens.verificationKeyFor(accessToken).key);
    const bad = jest.fn();
    provider({}, 'not.a.token!', bad);
    expect(bad).toHaveBeenCalledTimes(1);
    expect(bad.mock.calls[0][0]).toBeInstanceOf(AccessTokenInvalidError);
    expect(bad.mock.calls[0]).toHaveLength(1);
  });

  it('validate: the principal (string roles and amr, email, app claims, auth_time in ms) when the session exists', async () => {
    const { strategy, sessions } = await setup();
    const exists = jest.spyOn(sessions, 'exists');
    await expect(strategy.validate(payload)).resolves.toEqual({
      id: 'u1', sessionId: 's1', roles: ['user', 'admin'], email: 'a@example.test', claims: { tenant: 't1' }, amr: ['pwd'], authTime: 1_700_000_000_000,
    });
    expect(exists).toHaveBeenCalledWith('u1', 's1');
    await expect(strategy.validate({ sub: 'u1', sid: 's1', exp: 2_000_000_000, roles: 'admin', email: 7, amr: 'pwd', auth_time: '1' })).resolves.toEqual({
      id: 'u1', sessionId: 's1', roles: [], email: undefined, claims: {}, amr: [], authTime: undefined,
    });
  });

  it('validate: sub, sid and exp are required (401 access_token_invalid)', async () => {
    const { strategy } = await setup();
    for (const broken of [{ sub: undefined }, { sub: '' }, { sub: 1 }, { sid: undefined }, { sid: '' }, { sid: 1 }, { exp: undefined }, { exp: '2000000000' }]) {
      await expect(refusal(strategy.validate({ ...payload, ...broken }))).resolves.toMatchObject({ status: 401, code: 'access_token_invalid' });
    }
  });

  it('validate in session mode: an ended session is 401 session_revoked, a store outage 503; other errors unchanged', async () => {
    const { strategy, sessions } = await setup();
    await expect(refusal(strategy.validate({ ...payload, sid: 's2' }))).resolves.toMatchObject({ status: 401, code: 'session_revoked' });
    jest.spyOn(sessions, 'exists').mockRejectedValueOnce(new StoreUnavailableError());
    await expect(refusal(strategy.validate(payload))).resolves.toMatchObject({ status: 503, code: 'store_unavailable' });
    const bug = new RangeError('a bug');
    jest.spyOn(sessions, 'exists').mockRejectedValueOnce(bug);
    await expect(strategy.validate(payload)).rejects.toBe(bug);
  });

  it('validate in stateless mode: the session is not looked up', async () => {
    const { strategy, sessions } = await setup('stateless');
    const exists = jest.spyOn(sessions, 'exists');
    await expect(strategy.validate({ ...payload, sid: 'unknown-session' })).resolves.toMatchObject({ id: 'u1', sessionId: 'unknown-session' });
    expect(exists).not.toHaveBeenCalled();
  });
});
