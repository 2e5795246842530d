import { parseEmail } from '../../core/users/email';

/**
 * A provider-supplied email, normalised; `null` when absent or refused by the same check as sign-up
 * (`parseEmail`: shape, length, no zero-width/bidi/control characters or spaces).
 */
export function providerEmail(value: unknown): string | null {
  return parseEmail(value);
}

/** A short display string from a provider, or undefined. */
export function providerText(value: unknown, maxLength = 200): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, maxLength) : undefined;
}
