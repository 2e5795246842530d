import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../core/tokens/constant-time';

/**
 * TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA-1, 6 digits, 30 s steps, the parameters every authenticator app
 * uses by default. The secret is 160 random bits (RFC 4226 section 4 recommends it), shown base32-encoded.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_SECRET_BYTES = 20;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, without padding. */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** RFC 4648 base32 (case, spaces and padding ignored); null when it holds another character. */
export function base32Decode(text: string): Buffer | null {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new TOTP secret: 160 random bits. */
export function newTotpSecret(): Buffer {
  return randomBytes(TOTP_SECRET_BYTES);
}

/** HOTP (RFC 4226 section 5.3) of `counter`, `digits` long; `algorithm` for RFC 6238's SHA-256/512 vectors. */
export function hotp(secret: Buffer, counter: number, digits = TOTP_DIGITS, algorithm = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The TOTP time step of an instant (epoch ms). */
export function totpStep(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The TOTP code at an instant (epoch ms): what an authenticator app shows then. */
export function totpCode(secret: Buffer, atMs: number): string {
  return hotp(secret, totpStep(atMs));
}

/**
 * The step `code` matches among `now`'s step plus each offset of `window` (default `[-1, 0]`: the code shown now
 * and the one before, for a clock slightly behind or a code typed at the turn of a step), compared in constant
 * time; null when none. The caller still has to make sure the step was not used before (`MfaFactorStore.acceptStep`).
 */
export function matchTotp(secret: Buffer, code: string, nowMs: number, window: readonly number[] = [-1, 0]): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = totpStep(nowMs);
  let matched: number | null = null;
  // Every candidate is computed and compared, whichever matches, so the time taken says nothing about which.
  for (const offset of window) {
    const step = current + offset;
    if (step < 0) continue;
    if (constantTimeEqual(hotp(secret, step), code) && (matched === null || step > matched)) matched = step;
  }
  return matched;
}

/**
 * The `otpauth://totp/` URI authenticator apps read from a QR code (Google Authenticator's Key Uri Format):
 * `issuer:account` as label, the secret base32, SHA1, 6 digits, 30 s.
 */
export function otpauthUrl(secretBase32: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret: secretBase32, issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_PERIOD_SECONDS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}
