import type { MfaRequirement } from './mfa.options';

/** Whether `mfa.required` covers a user with these roles. */
export function mfaRequiredFor(required: MfaRequirement, roles: readonly string[]): boolean {
  if (required === 'all') return true;
  if (required === 'optional') return false;
  return roles.some((role) => required.roles.includes(role));
}
