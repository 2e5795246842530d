/** Trims, NFC-normalises and lower-cases an email; the single form used for lookups and storage. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/**
 * Matches an email free of the characters never accepted in one: control and format characters (NUL, zero-width spaces, bidi
 * overrides), lone surrogates, private-use and unassigned code points, and any kind of space. They make
 * look-alike addresses ("ad\u200Bmin@...") that normalisation does not fold.
 */
export const SAFE_EMAIL_CHARACTERS = /^[^\p{C}\p{Z}]*$/u;

/** Longest email accepted anywhere (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The one email check of every source (sign-up, login, OAuth providers): the normalised email, or `null` when
 * it is not a string, is longer than 254 characters, is not shaped like an email, or holds a character
 * `SAFE_EMAIL_CHARACTERS` refuses (zero-width, bidi, control, any space).
 */
export function parseEmail(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const email = normalizeEmail(raw);
  return email.length <= EMAIL_MAX_LENGTH && EMAIL_SHAPE.test(email) && SAFE_EMAIL_CHARACTERS.test(email) ? email : null;
}
