import { booleanOption, failOption, oneOf, type OptionKeys, ownedObject, positiveInteger, stringArray } from '../options/options.validation';
import type { PasswordHashingOptions } from '../ports/password-hasher.interface';
import { type PasswordPolicyOptions, type ResolvedPasswordPolicyOptions, resolvePasswordPolicyOptions } from './password-policy';

/** The module options the identity feature owns (registration, passwords, account changes). */
export interface IdentityOptions {
  /**
   * Self-registration through `POST /auth/register` (`enabled`, default true). `emailTakenResponse`: what a
   * registration with a taken email answers. `'conflict'` (default): 409 `email_taken`, and a new account gets
   * 201 with tokens; simple for a SPA, but it tells anyone (within the registration throttle) whether an email
   * has an account. `'generic'`: every valid registration answers 202 `{ status: 'accepted' }` without tokens,
   * whether it created an account or found the email taken (the same hashing work either way), so the route
   * reveals nothing; the new user then signs in. Use it when account existence is sensitive.
   */
  registration?: { enabled?: boolean; defaultRoles?: string[]; emailTakenResponse?: EmailTakenResponse };
  /**
   * argon2id parameters for the default hasher (default OWASP: m=19456 KiB, t=2, p=1), and its queue: at most
   * `maxConcurrent` computations at once (default CPUs - 1), `maxQueued` waiting (default 64); beyond, 503 `busy`.
   */
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

/** What a registration with a taken email answers: see `IdentityOptions.registration`. */
export type EmailTakenResponse = 'conflict' | 'generic';

/** The identity options after defaults and validation (injected as `IDENTITY_OPTIONS`). */
export interface ResolvedIdentityOptions {
  registration: { enabled: boolean; defaultRoles: string[]; emailTakenResponse: EmailTakenResponse };
  passwordHashing: PasswordHashingOptions;
  passwordPolicy: ResolvedPasswordPolicyOptions;
  revokeSessionsOnPasswordChange: boolean;
  revokeSessionsOnRoleChange: boolean;
}

/** Injection token of `ResolvedIdentityOptions`. */
export const IDENTITY_OPTIONS = Symbol('authkit:identity-options');

/** The top-level options the identity part of the kernel owns. */
export const IDENTITY_OPTION_KEYS: OptionKeys<IdentityOptions> = {
  registration: true, passwordHashing: true, passwordPolicy: true, revokeSessionsOnPasswordChange: true, revokeSessionsOnRoleChange: true,
};
const REGISTRATION_KEYS: OptionKeys<NonNullable<IdentityOptions['registration']>> = { enabled: true, defaultRoles: true, emailTakenResponse: true };
const PASSWORD_HASHING_KEYS: OptionKeys<PasswordHashingOptions> = {
  memoryCostKiB: true, timeCost: true, parallelism: true, maxConcurrent: true, maxQueued: true,
};

function nonNegativeInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) failOption(option, `must be a non-negative integer (got ${JSON.stringify(value)})`);
  return value;
}

/** Applies defaults to the identity options and validates them; throws a `TypeError` naming the option. */
export function resolveIdentityOptions(options: IdentityOptions): ResolvedIdentityOptions {
  const registration = ownedObject(options.registration, 'registration', REGISTRATION_KEYS);
  const hashing = ownedObject(options.passwordHashing, 'passwordHashing', PASSWORD_HASHING_KEYS) ?? {};
  const passwordHashing: PasswordHashingOptions = {
    memoryCostKiB: positiveInteger(hashing.memoryCostKiB, 'passwordHashing.memoryCostKiB', 19456),
    timeCost: positiveInteger(hashing.timeCost, 'passwordHashing.timeCost', 2),
    parallelism: positiveInteger(hashing.parallelism, 'passwordHashing.parallelism', 1),
    ...(hashing.maxConcurrent === undefined ? {} : { maxConcurrent: positiveInteger(hashing.maxConcurrent, 'passwordHashing.maxConcurrent') }),
    ...(hashing.maxQueued === undefined ? {} : { maxQueued: nonNegativeInteger(hashing.maxQueued, 'passwordHashing.maxQueued') }),
  };
  if (passwordHashing.memoryCostKiB < 8 * passwordHashing.parallelism) {
    failOption('passwordHashing.memoryCostKiB', 'must be at least 8 KiB per lane (8 * parallelism); argon2 refuses less');
  }
  return {
    registration: {
      enabled: booleanOption(registration?.enabled, 'registration.enabled', true),
      defaultRoles: stringArray(registration?.defaultRoles, 'registration.defaultRoles', ['user']),
      emailTakenResponse: oneOf(registration?.emailTakenResponse, 'registration.emailTakenResponse', ['conflict', 'generic'], 'conflict'),
    },
    passwordHashing,
    passwordPolicy: resolvePasswordPolicyOptions(options.passwordPolicy),
    revokeSessionsOnPasswordChange: booleanOption(options.revokeSessionsOnPasswordChange, 'revokeSessionsOnPasswordChange', true),
    revokeSessionsOnRoleChange: booleanOption(options.revokeSessionsOnRoleChange, 'revokeSessionsOnRoleChange', false),
  };
}
