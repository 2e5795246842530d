import { generateKeyPairSync } from 'node:crypto';
import { AccessTokenInvalidError, type JwtOptions, TokenService } from '../../../lib';
import { resolveAuthOptions } from '../../../lib/auth.options';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SUBJECT = { userId: 'user-1', sessionId: 'session-1', roles: ['user'] };

/**
 * The same segment with the unused low bits of its last character set: it decodes to the same bytes
 * (Node's base64url decoder ignores those bits), but it is not the canonical encoding (RFC 4648 §3.5).
 */
function nonCanonical(segment: string): string {
  const unusedBits = { 2: 4, 3: 2 }[segment.length % 4];
  if (!unusedBits) throw new Error(`segment of length ${segment.length} has no unused bits`);
  const last = ALPHABET.indexOf(segment[segment.length - 1]);
  return segment.slice(0, -1) + ALPHABET[last | ((1 << unusedBits) - 1)];
}

function withSegment(token: string, index: number, change: (segment: string) => string): string {
  const parts = token.split('.');
  parts[index] = change(parts[index]);
  return parts.join('.');
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const configurations: Array<[string, JwtOptions]> = [
  ['HS256', { secret: 'signature-encoding-secret-of-32-bytes-or-more' }],
  ['RS256', { algorithm: 'RS256', privateKey: rsa.privateKey }],
  ['PS256', { algorithm: 'PS256', privateKey: rsa.privateKey }],
  ['ES256', { algorithm: 'ES256', privateKey: ec.privateKey }],
];

// A JWS has one encoding: a signature segment whose unused bits are set carries the same signature bytes
// but is another token string (a malleable token defeats "this exact token" bookkeeping, such as the
// verified-token cache or a deny-list of token strings). Issue 10, finding 14.
describe.each(configurations)('TokenService (%s): only canonical base64url is accepted', (_name, jwt) => {
  const tokens = new TokenService(resolveAuthOptions({ jwt, refreshTokenKey: 'refresh-token-key-of-at-least-32-bytes!' }).jwt);

  it('refuses a signature segment whose unused low bits are set, before and after the genuine token was verified', () => {
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    const malleated = withSegment(accessToken, 2, nonCanonical);
    expect(malleated).not.toBe(accessToken);
    expect(Buffer.from(malleated.split('.')[2], 'base64url')).toEqual(Buffer.from(accessToken.split('.')[2], 'base64url'));

    expect(() => tokens.verifyAccessToken(malleated)).toThrow(AccessTokenInvalidError);
    expect(tokens.verifyAccessToken(accessToken).sub).toBe('user-1');
    expect(() => tokens.verifyAccessToken(malleated)).toThrow(AccessTokenInvalidError);
  });

  it('verificationKeyFor (the key lookup of the passport strategy) refuses it too', () => {
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    expect(tokens.verificationKeyFor(accessToken).algorithm).toBe(jwt.algorithm ?? 'HS256');
    expect(() => tokens.verificationKeyFor(withSegment(accessToken, 2, nonCanonical))).toThrow(AccessTokenInvalidError);
  });

  it('refuses a header or payload segment with unused bits set (when the segment has any)', () => {
    const { accessToken } = tokens.signAccessToken(SUBJECT);
    for (const index of [0, 1]) {
      const segment = accessToken.split('.')[index];
      if (segment.length % 4 === 0) continue;
      expect(() => tokens.verifyAccessToken(withSegment(accessToken, index, nonCanonical))).toThrow(AccessTokenInvalidError);
    }
  });
});
