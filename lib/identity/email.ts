/** Trims, NFC-normalises and lower-cases an email; the single form used for lookups and storage. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}
