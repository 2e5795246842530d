import {
  booleanOption, failOption, type OptionKeys, ownedObject, positiveInteger, stringArray,
} from '../../core/options/options.validation';
import type { PasskeyCredentialStore } from './passkey-store.interface';

/**
 * An app's own passkey store (an instance: build it in `forRootAsync`'s factory with what it injects). Only the
 * credentials: the challenges stay in Redis (or memory), they live minutes and are taken once.
 */
export interface PasskeyStores {
  credentials: PasskeyCredentialStore;
}

const CREDENTIAL_STORE_METHODS = ['add', 'list', 'find', 'recordUse', 'rename', 'remove', 'removeAll'] as const;

/**
 * Passkeys (WebAuthn, DESIGN section 11). Off without this option; with it, a signed-in user can register passkeys
 * and then sign in with one alone (`POST /auth/passkeys/authentication`), use one as a second factor (with the
 * `mfa` option) and for step-up.
 *
 * @example
 * ```ts
 * passkeys: { rpId: 'example.com', rpName: 'Example', origins: ['https://example.com', 'https://app.example.com'] }
 * ```
 */
export interface PasskeyOptions {
  /** The relying party id: the site's registrable domain or a parent of it (`example.com`); `localhost` in development. */
  rpId: string;
  /** The name authenticators show. Default: `rpId`. */
  rpName?: string;
  /**
   * The origins the browser may make a ceremony from, each compared exactly (`https://example.com`, no path, no
   * trailing slash). At least one.
   */
  origins: string[];
  /** How long a challenge (options from the server) waits for its response. Default 300. */
  challengeTtlSeconds?: number;
  /** Registering a passkey needs a sign-in (the token's `auth_time`) at most this many seconds old. Default 900. */
  recentAuthSeconds?: number;
  /** Passkeys per user at most. Default 20. */
  maxPerUser?: number;
  /** Mail the user when a passkey is added or removed. Default true. */
  notify?: boolean;
  /**
   * Your own credential store, e.g. next to your users in SQL (the recipes: `examples/drizzle-user-store/drizzle-passkey.store.ts`,
   * `examples/typeorm-user-store/typeorm-passkey.store.ts`). Default: Redis with `redis`, memory without.
   */
  stores?: PasskeyStores;
}

export interface ResolvedPasskeyOptions {
  enabled: boolean;
  rpId: string;
  rpName: string;
  origins: string[];
  challengeTtlSeconds: number;
  recentAuthSeconds: number;
  maxPerUser: number;
  notify: boolean;
  stores: PasskeyStores | null;
}

/** Injection token of the resolved `passkeys` options. */
export const PASSKEY_OPTIONS = Symbol('authkit:passkey-options');

export const PASSKEY_OPTION_KEYS: OptionKeys<{ passkeys?: PasskeyOptions }> = { passkeys: true };
const PASSKEY_KEYS: OptionKeys<PasskeyOptions> = {
  rpId: true, rpName: true, origins: true, challengeTtlSeconds: true, recentAuthSeconds: true, maxPerUser: true, notify: true, stores: true,
};

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function resolvePasskeyOptions(options: PasskeyOptions | undefined): ResolvedPasskeyOptions {
  const given = ownedObject(options, 'passkeys', PASSKEY_KEYS);
  const rpId = given?.rpId ?? 'localhost';
  if (given && (typeof rpId !== 'string' || !DOMAIN.test(rpId) || /^[\d.]+$/.test(rpId))) {
    failOption('passkeys.rpId', 'must be a lower-case domain name (e.g. example.com or localhost), not an IP address or a URL');
  }
  const origins = given ? stringArray(given.origins, 'passkeys.origins', []) : [];
  if (given && origins.length === 0) failOption('passkeys.origins', 'must name at least one origin (e.g. https://example.com)');
  for (const origin of origins) checkOrigin(origin, rpId);
  return {
    enabled: given !== undefined,
    rpId,
    rpName: given?.rpName === undefined ? rpId : stringArray([given.rpName], 'passkeys.rpName', [])[0],
    origins,
    challengeTtlSeconds: positiveInteger(given?.challengeTtlSeconds, 'passkeys.challengeTtlSeconds', 300),
    recentAuthSeconds: positiveInteger(given?.recentAuthSeconds, 'passkeys.recentAuthSeconds', 900),
    maxPerUser: positiveInteger(given?.maxPerUser, 'passkeys.maxPerUser', 20),
    notify: booleanOption(given?.notify, 'passkeys.notify', true),
    stores: given?.stores === undefined ? null : checkedStores(given.stores),
  };
}

function checkedStores(value: unknown): PasskeyStores {
  const stores = ownedObject(value as PasskeyStores, 'passkeys.stores', { credentials: true });
  const store = stores?.credentials as unknown as Record<string, unknown> | undefined;
  const missing = CREDENTIAL_STORE_METHODS.filter((method) => typeof store?.[method] !== 'function');
  if (missing.length > 0) failOption('passkeys.stores.credentials', `must implement ${missing.join(', ')}`);
  return stores as PasskeyStores;
}

/** An origin as browsers serialise it (`scheme://host[:port]`), https unless on localhost, on the RP ID's domain. */
function checkOrigin(origin: string, rpId: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return failOption('passkeys.origins', `${JSON.stringify(origin)} is not an origin (e.g. https://example.com)`);
  }
  if (url.origin !== origin) failOption('passkeys.origins', `${JSON.stringify(origin)} must be written as ${JSON.stringify(url.origin)} (scheme, host, port; no path or slash)`);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost')) {
    failOption('passkeys.origins', `${JSON.stringify(origin)} must use https (http only on localhost)`);
  }
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    failOption('passkeys.origins', `${JSON.stringify(origin)} is not on the RP ID's domain (${rpId})`);
  }
}
