import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { RefreshTokenCodec } from '../../../lib/core/tokens/refresh-token.codec';

/** The stored format is fixed (sessions in Redis hold these hashes): recomputed here with node:crypto's classic APIs. */
describe('RefreshTokenCodec: the hashes and MACs of the v2 format', () => {
  const serverKey = randomBytes(32);
  const codec = new RefreshTokenCodec(serverKey);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');

  it('secretHash is SHA-256 (base64url) of the secret, for issued, parsed and next tokens', () => {
    const issued = codec.issue('user-ü-1');
    const [userPart, sessionId, secret, mac] = issued.refreshToken.split('.');
    expect(issued.secretHash).toBe(sha256(secret));
    expect(codec.parse(issued.refreshToken)).toEqual({ userId: 'user-ü-1', sessionId, secretHash: sha256(secret) });
    const macKey = Buffer.from(hkdfSync('sha256', serverKey, '', 'authkit refresh token mac', 32));
    expect(mac).toBe(createHmac('sha256', macKey).update(`${userPart}.${sessionId}.${secret}`).digest().subarray(0, 16).toString('base64url'));

    const next = codec.next(codec.parse(issued.refreshToken));
    const nextKey = Buffer.from(hkdfSync('sha256', serverKey, '', 'authkit refresh token next secret', 32));
    const nextSecret = createHmac('sha256', nextKey).update(`${userPart}.${sessionId}.${sha256(secret)}`).digest().toString('base64url');
    expect(next.refreshToken.split('.')[2]).toBe(nextSecret);
    expect(next.secretHash).toBe(sha256(nextSecret));
    expect(codec.parse(next.refreshToken).secretHash).toBe(next.secretHash);
  });
});
