import { failOption, type OptionKeys, ownedObject, positiveInteger, stringArray } from '../../core/options/options.validation';
import { type ApiKeyRouteOption, type ApiKeyRouteTable, resolveApiKeyRoutes, SCOPE } from './api-key-routes';

export { SCOPE };

/**
 * API keys for scripts, CI jobs and integrations (DESIGN section 12). Off without this option (the routes answer
 * 404 and no key is accepted anywhere); with it, signed-in users create keys (`POST /auth/api-keys`) and routes
 * that opt in with `@AllowApiKey()` accept them in the `Authorization: Bearer` header.
 *
 * @example
 * ```ts
 * apiKeys: { scopes: ['reports:read', 'admin'], throttle: { limit: 120, windowSeconds: 60 } }
 * ```
 */
export interface ApiKeysOptions {
  /** What every key starts with, for secret scanners: 2 to 16 lower-case letters or digits and a final `_`. Default `'akit_'`. */
  prefix?: string;
  /** The scopes a key may be created with. Default: any (1 to 64 of letters, digits, `:._-`), e.g. the app's role names. */
  scopes?: string[];
  /** Live keys per user. Default 25. */
  maxKeysPerUser?: number;
  /** A key's lifetime when `expiresInDays` is not given. Default 90. */
  defaultExpiresInDays?: number;
  /** The longest lifetime a key may ask for. Default 365. */
  maxExpiresInDays?: number;
  /** Requests per key per window (counted in the same Redis command as the check). Default 600 per 60 s. */
  throttle?: { limit?: number; windowSeconds?: number };
  /** `lastUsedAt` is written at most this often per key. Default 60. */
  lastUsedGranularitySeconds?: number;
  /**
   * How old the owner's roles and credential version kept beside the keys may get before a request re-reads the user
   * (one extra store read then). Changes through the library (password, disable, roles) reach the keys at once anyway.
   * Default 300.
   */
  ownerRecheckSeconds?: number;
  /**
   * Controllers (or some of their methods) whose routes accept keys without `@AllowApiKey()` on them, e.g.
   * `[{ controller: ReportsController, scopes: ['reports:read'] }, { controller: AdminController, handlers: ['stats'] }]`.
   * `@AllowApiKey()` on the route or its controller wins. Resolved once per route (no cost per request).
   */
  routes?: ApiKeyRouteOption[];
}

export interface ResolvedApiKeysOptions {
  enabled: boolean;
  prefix: string;
  scopes: string[] | null;
  maxKeysPerUser: number;
  defaultExpiresInDays: number;
  maxExpiresInDays: number;
  throttle: { limit: number; windowMs: number };
  lastUsedGranularityMs: number;
  ownerRecheckMs: number;
  routes: ApiKeyRouteTable;
}

/** Injection token of the resolved `apiKeys` options. */
export const API_KEYS_OPTIONS = Symbol('authkit:api-keys-options');

export const API_KEYS_OPTION_KEYS: OptionKeys<{ apiKeys?: ApiKeysOptions }> = { apiKeys: true };
const KEYS: OptionKeys<ApiKeysOptions> = {
  prefix: true, scopes: true, maxKeysPerUser: true, defaultExpiresInDays: true, maxExpiresInDays: true, throttle: true,
  lastUsedGranularitySeconds: true, ownerRecheckSeconds: true, routes: true,
};

const PREFIX = /^[a-z][a-z0-9]{1,15}_$/;

export function resolveApiKeysOptions(options: ApiKeysOptions | undefined): ResolvedApiKeysOptions {
  const given = ownedObject(options, 'apiKeys', KEYS);
  const prefix = given?.prefix ?? 'akit_';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) failOption('apiKeys.prefix', 'must be 2 to 16 lower-case letters or digits (a letter first) and a final "_", e.g. "acme_"');
  const scopes = given?.scopes === undefined ? null : stringArray(given.scopes, 'apiKeys.scopes', []);
  if (scopes?.some((scope) => !SCOPE.test(scope))) failOption('apiKeys.scopes', 'must be names of 1 to 64 letters, digits, ":", ".", "_" or "-"');
  const throttle = ownedObject(given?.throttle, 'apiKeys.throttle', { limit: true, windowSeconds: true });
  const maxExpiresInDays = positiveInteger(given?.maxExpiresInDays, 'apiKeys.maxExpiresInDays', 365);
  const defaultExpiresInDays = positiveInteger(given?.defaultExpiresInDays, 'apiKeys.defaultExpiresInDays', Math.min(90, maxExpiresInDays));
  if (defaultExpiresInDays > maxExpiresInDays) failOption('apiKeys.defaultExpiresInDays', 'must not exceed apiKeys.maxExpiresInDays');
  return {
    enabled: given !== undefined,
    prefix,
    scopes,
    maxKeysPerUser: positiveInteger(given?.maxKeysPerUser, 'apiKeys.maxKeysPerUser', 25),
    defaultExpiresInDays,
    maxExpiresInDays,
    throttle: {
      limit: positiveInteger(throttle?.limit, 'apiKeys.throttle.limit', 600),
      windowMs: positiveInteger(throttle?.windowSeconds, 'apiKeys.throttle.windowSeconds', 60) * 1000,
    },
    lastUsedGranularityMs: positiveInteger(given?.lastUsedGranularitySeconds, 'apiKeys.lastUsedGranularitySeconds', 60) * 1000,
    ownerRecheckMs: positiveInteger(given?.ownerRecheckSeconds, 'apiKeys.ownerRecheckSeconds', 300) * 1000,
    routes: resolveApiKeyRoutes(given?.routes),
  };
}
