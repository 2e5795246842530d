import { failOption, type OptionKeys, ownedObject, positiveInteger, stringArray } from '../../core/options/options.validation';
import type { OrganizationInvitationStore, OrganizationStore } from './organization-store.interface';

/** An app's own organization stores (instances: build them in `forRootAsync`'s factory with what they inject). */
export interface OrganizationStores {
  organizations: OrganizationStore;
  invitations: OrganizationInvitationStore;
}

const STORE_METHODS: Record<keyof OrganizationStores, readonly string[]> = {
  organizations: ['create', 'organizationsOf', 'members', 'roles', 'setRoles', 'transfer', 'activeOrganization', 'setActiveOrganization'],
  invitations: ['invite', 'accept'],
};

/** The roles every organization knows: `owner` > `admin` > `member`. */
export const OWNER_ROLE = 'owner';
export const ADMIN_ROLE = 'admin';
export const MEMBER_ROLE = 'member';
const BUILT_IN_HIERARCHY: Readonly<Record<string, string[]>> = { [OWNER_ROLE]: [ADMIN_ROLE], [ADMIN_ROLE]: [MEMBER_ROLE] };

/** Role names: lower case letters, digits, `_` and `-`, a letter first, at most 32 characters (never a comma). */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Organizations (DESIGN section 15): multi-tenant roles. Off without this option (its routes answer 404).
 *
 * @example
 * ```ts
 * organizations: { invitationUrl: 'https://app.example.com/invitations', roles: ['billing'], roleHierarchy: { admin: ['billing'] } }
 * ```
 */
export interface OrganizationsOptions {
  /** The page of the app that accepts invitations (`?token=` is appended); mailed links point there. Required. */
  invitationUrl: string;
  /** How long an invitation may be accepted. Default 7 days (604800). */
  invitationTtlSeconds?: number;
  /** The app's own organization roles, beside `owner`, `admin` and `member`. */
  roles?: string[];
  /** Role implications for `@OrgRoles`, added to the built-in ones (`owner` implies `admin`, `admin` implies `member`). */
  roleHierarchy?: Record<string, string[]>;
  /** How many characters an organization's name may have. Default 100. */
  maxNameLength?: number;
  /**
   * Your own stores (the SQL recipes: `examples/drizzle-user-store/drizzle-organization.stores.ts`). Default: Redis
   * with `redis`, memory without.
   */
  stores?: OrganizationStores;
}

export interface ResolvedOrganizationsOptions {
  enabled: boolean;
  invitationUrl: string;
  invitationTtlSeconds: number;
  /** Every role an organization knows (built-in first). */
  roles: string[];
  roleHierarchy: Record<string, string[]>;
  maxNameLength: number;
  stores: OrganizationStores | null;
}

/** Injection token of the resolved `organizations` options. */
export const ORGANIZATIONS_OPTIONS = Symbol('authkit:organizations-options');

export const ORGANIZATIONS_OPTION_KEYS: OptionKeys<{ organizations?: OrganizationsOptions }> = { organizations: true };
const KEYS: OptionKeys<OrganizationsOptions> = { invitationUrl: true, invitationTtlSeconds: true, roles: true, roleHierarchy: true, maxNameLength: true, stores: true };

function roleNames(value: unknown, option: string): string[] {
  const names = stringArray(value, option, []);
  for (const name of names) if (!ROLE_NAME.test(name)) failOption(option, `"${name}" is not a role name (lower case letters, digits, _ and -, a letter first)`);
  return names;
}

/** Validates `organizations`; throws a `TypeError` naming the option. */
export function resolveOrganizationsOptions(options: OrganizationsOptions | undefined): ResolvedOrganizationsOptions {
  const given = ownedObject(options, 'organizations', KEYS);
  let invitationUrl = '';
  if (given) {
    if (typeof given.invitationUrl !== 'string' || !URL.canParse(given.invitationUrl) || !/^https?:$/.test(new URL(given.invitationUrl).protocol)) {
      failOption('organizations.invitationUrl', 'must be an http(s) URL');
    }
    invitationUrl = given.invitationUrl;
  }
  const roles = [...new Set([OWNER_ROLE, ADMIN_ROLE, MEMBER_ROLE, ...roleNames(given?.roles, 'organizations.roles')])];
  const hierarchy: Record<string, string[]> = { ...BUILT_IN_HIERARCHY };
  const extra = given?.roleHierarchy;
  if (extra !== undefined) {
    if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) failOption('organizations.roleHierarchy', 'must be an object');
    for (const [role, implied] of Object.entries(extra)) {
      const where = `organizations.roleHierarchy.${role}`;
      if (!roles.includes(role)) failOption(where, 'names a role that is neither built in nor in organizations.roles');
      const names = roleNames(implied, where);
      for (const name of names) if (!roles.includes(name)) failOption(where, `implies "${name}", which is neither built in nor in organizations.roles`);
      hierarchy[role] = [...new Set([...(hierarchy[role] ?? []), ...names])];
    }
  }
  return {
    enabled: given !== undefined,
    invitationUrl,
    invitationTtlSeconds: positiveInteger(given?.invitationTtlSeconds, 'organizations.invitationTtlSeconds', 604_800),
    roles,
    roleHierarchy: hierarchy,
    maxNameLength: positiveInteger(given?.maxNameLength, 'organizations.maxNameLength', 100),
    stores: given?.stores === undefined ? null : checkedStores(given.stores),
  };
}

function checkedStores(value: unknown): OrganizationStores {
  const stores = ownedObject(value as OrganizationStores, 'organizations.stores', { organizations: true, invitations: true });
  for (const name of ['organizations', 'invitations'] as const) {
    const store = stores?.[name] as unknown as Record<string, unknown> | undefined;
    const missing = STORE_METHODS[name].filter((method) => typeof store?.[method] !== 'function');
    if (missing.length > 0) failOption(`organizations.stores.${name}`, `must implement ${missing.join(', ')}`);
  }
  return stores as OrganizationStores;
}
