import { booleanOption, failOption, objectOption, positiveInteger, stringArray } from '../options.validation';
import type { PasswordHashingOptions } from './password-hasher.interface';
import { type PasswordPolicyOptions, type ResolvedPasswordPolicyOptions, resolvePasswordPolicyOptions } from './password-policy';

/** The module options the identity feature owns (registration, passwords, account changes). */
export interface IdentityOptions {
  /** Self-registration through `POST /auth/register`. Default true. */
  registration?: { enabled?: boolean; defaultRoles?: string[] };
  /** argon2id parameters for the default hasher. Default OWASP: m=19456 KiB, t=2, p=1. */
  passwordHashing?: Partial<PasswordHashingOptions>;
  /** Policy for new passwords. Default: 8 to 128 characters, not among the 10 000 most common, not the email. */
  passwordPolicy?: PasswordPolicyOptions;
  /** `AuthService.changePassword` revokes the user's other sessions. Default true. */
  revokeSessionsOnPasswordChange?: boolean;
  /**
   * `AuthService.setRoles` revokes the user's sessions, so that removed roles stop working at once.
   * Default false: new roles reach the next access token at the next refresh.
   */
  revokeSessionsOnRoleChange?: boolean;
}

/** The identity options after defaults and validation (injected as `IDENTITY_OPTIONS`). */
export interface ResolvedIdentityOptions {
  registration: { enabled: boolean; defaultRoles: string[] };
  passwordHashing: PasswordHashingOptions;
  passwordPolicy: ResolvedPasswordPolicyOptions;
  revokeSessionsOnPasswordChange: boolean;
  revokeSessionsOnRoleChange: boolean;
}

/** Injection token of `ResolvedIdentityOptions`. */
export const IDENTITY_OPTIONS = Symbol('authkit:identity-options');

/** Applies defaults to the identity options and validates them; throws a `TypeError` naming the option. */
export function resolveIdentityOptions(options: IdentityOptions): ResolvedIdentityOptions {
  const registration = objectOption(options.registration, 'registration');
  const hashing = objectOption(options.passwordHashing, 'passwordHashing') ?? {};
  const passwordHashing: PasswordHashingOptions = {
    memoryCostKiB: positiveInteger(hashing.memoryCostKiB, 'passwordHashing.memoryCostKiB', 19456),
    timeCost: positiveInteger(hashing.timeCost, 'passwordHashing.timeCost', 2),
    parallelism: positiveInteger(hashing.parallelism, 'passwordHashing.parallelism', 1),
  };
  if (passwordHashing.memoryCostKiB < 8 * passwordHashing.parallelism) {
    failOption('passwordHashing.memoryCostKiB', 'must be at least 8 KiB per lane (8 * parallelism); argon2 refuses less');
  }
  return {
    registration: {
      enabled: booleanOption(registration?.enabled, 'registration.enabled', true),
      defaultRoles: stringArray(registration?.defaultRoles, 'registration.defaultRoles', ['user']),
    },
    passwordHashing,
    passwordPolicy: resolvePasswordPolicyOptions(options.passwordPolicy),
    revokeSessionsOnPasswordChange: booleanOption(options.revokeSessionsOnPasswordChange, 'revokeSessionsOnPasswordChange', true),
    revokeSessionsOnRoleChange: booleanOption(options.revokeSessionsOnRoleChange, 'revokeSessionsOnRoleChange', false),
  };
}
