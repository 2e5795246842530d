import { createHash, randomBytes } from 'node:crypto';
import { base32Encode } from './totp';

/** How many recovery codes a set holds. */
export const RECOVERY_CODE_COUNT = 10;
/** 15 random bytes: 120 bits (>= 112), 24 base32 characters shown in groups of 4. */
const RECOVERY_CODE_BYTES = 15;

/** A fresh set of recovery codes (shown once) and their SHA-256 hashes (what is stored). */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: count }, () => base32Encode(randomBytes(RECOVERY_CODE_BYTES)).toLowerCase().match(/.{4}/g)!.join('-'));
  return { codes, hashes: codes.map((code) => recoveryCodeHash(code) as string) };
}

/**
 * The stored form of a presented recovery code: SHA-256 (hex) of its 24 base32 characters, case, spaces and
 * dashes ignored (a code read aloud or retyped still works); null when it cannot be one (not hashed, not looked up).
 * A plain hash is enough: 120 random bits cannot be guessed from it.
 */
export function recoveryCodeHash(presented: string): string | null {
  const clean = presented.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z2-7]{24}$/.test(clean)) return null;
  return createHash('sha256').update(clean).digest('hex');
}
