import { normalizeEmail } from '../identity/email';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A provider-supplied email, normalised; `null` when absent or not an email. */
export function providerEmail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = normalizeEmail(value);
  return email.length <= 254 && EMAIL_PATTERN.test(email) ? email : null;
}

/** A short display string from a provider, or undefined. */
export function providerText(value: unknown, maxLength = 200): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, maxLength) : undefined;
}
