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
