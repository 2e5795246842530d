import { createHmac, type KeyObject, sign } from 'node:crypto';

/** Test-side JWT crafting on node:crypto, independent of the library’s JWT code (jsonwebtoken). */

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function decodeSegment<T = Record<string, unknown>>(segment: string): T {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as T;
}

/** Header and payload of a compact JWS (no verification). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: Buffer } {
  const [header, payload, signature] = token.split('.');
  return { header: decodeSegment(header), payload: decodeSegment(payload), signature: Buffer.from(signature, 'base64url') };
}

/** `header.payload` with an HMAC signature (`sha256`, `sha512`...). A string header/payload is encoded as is (not as JSON). */
export function forgeHmac(header: unknown, payload: unknown, secret: string | Buffer | KeyObject, digest = 'sha256'): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac(digest, secret).update(input).digest('base64url')}`;
}

/** `header.payload` signed with an asymmetric private key (RS*: digest, ES*: digest + ieee-p1363, EdDSA: null). */
export function forgeAsymmetric(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject, digest: string | null): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign(digest, Buffer.from(input), key.asymmetricKeyType === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${signature.toString('base64url')}`;
}

/** `header.payload.signature` with the given raw signature bytes. */
export function withSignature(header: Record<string, unknown>, payload: Record<string, unknown>, signature: Buffer): string {
  return `${b64url(header)}.${b64url(payload)}.${signature.toString('base64url')}`;
}
