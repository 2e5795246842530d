import { failOption, type OptionKeys } from '../options/options.validation';

/** The module options the guards own. */
export interface RolesOptions {
  /** `{ admin: ['user'] }` means admin implies user for `@Roles('user')`. */
  roleHierarchy?: Record<string, string[]>;
}

/** Injection token of the validated role hierarchy (`Record<string, string[]>`). */
export const ROLE_HIERARCHY = Symbol('authkit:role-hierarchy');

/** The top-level options the guards own. */
export const ROLES_OPTION_KEYS: OptionKeys<RolesOptions> = { roleHierarchy: true };

/** Validates `roleHierarchy`; throws a `TypeError` naming the option. */
export function resolveRoleHierarchy(options: RolesOptions): Record<string, string[]> {
  const hierarchy = options.roleHierarchy ?? {};
  if (hierarchy === null || typeof hierarchy !== 'object' || Array.isArray(hierarchy)) failOption('roleHierarchy', 'must be an object');
  for (const [role, implied] of Object.entries(hierarchy)) {
    if (!Array.isArray(implied) || implied.some((r) => typeof r !== 'string')) failOption(`roleHierarchy.${role}`, 'must be an array of role names');
  }
  return hierarchy;
}
