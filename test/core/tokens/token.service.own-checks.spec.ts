import { generateKeyPairSync } from 'node:crypto';
import { AccessTokenExpiredError, AccessTokenInvalidError } from '../../../lib/core/errors/auth.errors';
import { resolveJwtOptions, type TokenOptions } from '../../../lib/core/tokens/jwt.options';
import { TokenService } from '../../../lib/core/tokens/token.service';

/**
 * TokenService checks the payload's shape and fixed claims itself (`sub`, `sid`, `iss`, `aud`, the types of `exp`,
 * `nbf`, `iat`, `auth_time`) after jsonwebtoken has checked the signature, and never lets the library's errors
 * out. jsonwebtoken 9 makes some of these checks too (`iss`, `aud`, the type of `nbf`), so a real token cannot show
 * the service's own: here jsonwebtoken's `verify` is stood in for after start-up, to hand back what a verifier
 * could (another version, another configuration) and show the service still refuses it. The verifier remembers
 * what it verified: a client's next requests with the same token do not call jsonwebtoken again.
 */
// The module object itself (what token.service.ts calls into), so a spy can stand in for it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonwebtoken = require('jsonwebtoken') as typeof import('jsonwebtoken');
const SECRET = 'own-checks-spec-secret-of-at-least-32-bytes';
const SUBJECT = { userId: 'user-1', sessionId: 'session-1', roles: ['user'] };

function service(jwt: TokenOptions['jwt'] = {}): TokenService {
  return new TokenService(resolveJwtOptions({ jwt: { secret: SECRET, ...jwt } }));
}

function validPayload(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'user-1', sid: 'session-1', roles: ['user'], iat: now, exp: now + 60, iss: 'nestjs-authkit', aud: 'nestjs-authkit' };
}

describe('TokenService: its own checks on what the verifier hands back', () => {
  afterEach(() => jest.restoreAllMocks());

  /** Verifies a real token of a fresh service while jsonwebtoken's verify answers `decoded`. */
  function verifyAnswering(decoded: unknown): () => unknown {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    jest.spyOn(jsonwebtoken, 'verify').mockImplementation(() => decoded as never);
    return () => tokens.verifyAccessToken(accessToken);
  }

  it('the stand-in is used: a well-formed payload it answers is accepted as it is', () => {
    expect(verifyAnswering({ ...validPayload(), sub: 'from-the-verifier' })()).toMatchObject({ sub: 'from-the-verifier' });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string (a payload that is not JSON)', 'user-1'],
    ['an array', [validPayload()]],
    ['another issuer', { ...validPayload(), iss: 'someone-else' }],
    ['no issuer', { ...validPayload(), iss: undefined }],
    ['another audience', { ...validPayload(), aud: 'another-api' }],
    ['an audience list without ours', { ...validPayload(), aud: ['another-api'] }],
    ['an audience string that contains ours', { ...validPayload(), aud: 'not-nestjs-authkit-at-all' }],
    ['an audience list with ours inside a longer entry', { ...validPayload(), aud: ['xnestjs-authkitx'] }],
    ['a string nbf', { ...validPayload(), nbf: String(Math.floor(Date.now() / 1000)) }],
    ['a string iat', { ...validPayload(), iat: String(Math.floor(Date.now() / 1000)) }],
    ['a string auth_time', { ...validPayload(), auth_time: '1700000000' }],
    ['a string exp', { ...validPayload(), exp: String(Math.floor(Date.now() / 1000) + 60) }],
  ])('%s: AccessTokenInvalidError', (_name, decoded) => {
    expect(verifyAnswering(decoded)).toThrow(AccessTokenInvalidError);
  });

  it('an audience list containing ours is accepted', () => {
    expect(verifyAnswering({ ...validPayload(), aud: ['another-api', 'nestjs-authkit'] })()).toMatchObject({ sub: 'user-1' });
  });

  it('whatever the verifier throws is AccessTokenInvalidError (or Expired for its TokenExpiredError), never its own error', () => {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    const verify = jest.spyOn(jsonwebtoken, 'verify');
    for (const thrown of [undefined, null, 'a string', new Error('jwt malformed'), Object.assign(new Error('x'), { name: 'JsonWebTokenError' })]) {
      verify.mockImplementationOnce(() => { throw thrown; });
      expect(() => tokens.verifyAccessToken(accessToken)).toThrow(AccessTokenInvalidError);
    }
    verify.mockImplementationOnce(() => { throw Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' }); });
    expect(() => tokens.verifyAccessToken(accessToken)).toThrow(AccessTokenExpiredError);
  });

  it('a token of two or four segments is refused before the verifier is asked, even if it would answer a payload', () => {
    const tokens = service();
    const [header, body, signature] = tokens.signAccessToken(SUBJECT).accessToken.split('.');
    const verify = jest.spyOn(jsonwebtoken, 'verify').mockImplementation(() => validPayload() as never);
    for (const malformed of [`${header}.${body}`, `${header}.${body}.${signature}.${signature}`]) {
      expect(() => tokens.verifyAccessToken(malformed)).toThrow(AccessTokenInvalidError);
    }
    expect(verify).not.toHaveBeenCalled();
  });
});

describe('TokenService: a remembered token is not verified again', () => {
  afterEach(() => jest.restoreAllMocks());

  it('the same token string: jsonwebtoken verifies it once, later calls answer from memory (time claims still checked)', () => {
    const tokens = service();
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    const other = tokens.signAccessToken({ ...SUBJECT, userId: 'user-2' }).accessToken;
    const verify = jest.spyOn(jsonwebtoken, 'verify');
    for (let i = 0; i < 3; i++) expect(tokens.verifyAccessToken(accessToken).sub).toBe('user-1');
    expect(verify).toHaveBeenCalledTimes(1);
    expect(tokens.verifyAccessToken(other).sub).toBe('user-2');
    expect(tokens.verifyAccessToken(other).sub).toBe('user-2');
    expect(verify).toHaveBeenCalledTimes(2);
    expect(verify.mock.calls.map(([token]) => token)).toEqual([accessToken, other]);
  });
});

describe('TokenService start-up self-test: the option it names', () => {
  afterEach(() => jest.restoreAllMocks());

  it('an HS key whose check fails names jwt.secret, even with a jwt.publicKey given (HS* ignores it)', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const failure = new Error('jsonwebtoken refused');
    jest.spyOn(jsonwebtoken, 'verify').mockImplementationOnce(() => { throw failure; });
    expect(() => service({ publicKey })).toThrow(/^nestjs-authkit: option "jwt\.secret" does not verify the tokens it signs \(HS256\)$/);
    expect(service({ publicKey }).getJwks()).toEqual({ keys: [] }); // accepted, and ignored, without the failure
  });
});
