import { constants, createHmac, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';
import type { JwtAlgorithm } from './jwt.options';

/**
 * Compact JWS on node:crypto with KeyObjects. The algorithm always comes from the configured key,
 * never from the token, so `alg: none` and key-confusion attacks have nothing to hold on to.
 * (jsonwebtoken, under @nestjs/jwt, has no EdDSA and re-parses string keys on every call.)
 */

function digestOf(algorithm: JwtAlgorithm): string {
  return `sha${algorithm.slice(2)}`;
}

function signatureOf(algorithm: JwtAlgorithm, key: KeyObject, input: Buffer): Buffer {
  switch (algorithm.slice(0, 2)) {
    case 'HS':
      return createHmac(digestOf(algorithm), key).update(input).digest();
    case 'RS':
      return sign(digestOf(algorithm), input, key);
    case 'PS':
      return sign(digestOf(algorithm), input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    case 'ES':
      return sign(digestOf(algorithm), input, { key, dsaEncoding: 'ieee-p1363' });
    default:
      return sign(null, input, key);
  }
}

export function signJws(header: Record<string, unknown>, payload: Record<string, unknown>, algorithm: JwtAlgorithm, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${signatureOf(algorithm, key, Buffer.from(input)).toString('base64url')}`;
}

/** Checks the signature of `<header>.<payload>` against `signature` (raw bytes). Never throws. */
export function verifyJws(signingInput: string, signature: Buffer, algorithm: JwtAlgorithm, key: KeyObject): boolean {
  const input = Buffer.from(signingInput);
  try {
    switch (algorithm.slice(0, 2)) {
      case 'HS': {
        const expected = createHmac(digestOf(algorithm), key).update(input).digest();
        return expected.length === signature.length && timingSafeEqual(expected, signature);
      }
      case 'RS':
        return verify(digestOf(algorithm), input, key, signature);
      case 'PS':
        return verify(digestOf(algorithm), input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
      case 'ES':
        return verify(digestOf(algorithm), input, { key, dsaEncoding: 'ieee-p1363' }, signature);
      default:
        return verify(null, input, key, signature);
    }
  } catch {
    return false;
  }
}
