import type { Provider } from '@nestjs/common';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import { type RedisClient, REDIS_OPTIONS, type ResolvedRedisOptions } from '../../adapters/redis/redis.options';
import { IDENTITY_STORE_METHODS, IdentityStore } from '../../core/ports/identity-store.interface';
import { OAuthSourceRegistry } from '../../core/sign-in/oauth-sources';
import { MemoryOidcLogoutStore } from './memory-oidc-logout.store';
import { OIDC_STRATEGIES, OidcBackchannelLogout, PENDING_SID_TTL_MS } from './oidc-backchannel.service';
import { OidcDiscovery } from './oidc-discovery';
import { getJsonObject } from './oidc-http';
import { OidcKeys } from './oidc-keys';
import { OidcLogoutStore } from './oidc-logout-store.interface';
import { OIDC_OPTIONS, type ResolvedOidcOptions } from './oidc.options';
import { OidcStrategy } from './oidc.strategy';
import { RedisOidcLogoutStore } from './redis-oidc-logout.store';

/** One `OidcStrategy` per configured provider, registered as a sign-in source in the kernel's registry. */
function createOidcStrategies(
  options: ResolvedOidcOptions, registry: OAuthSourceRegistry, store: OidcLogoutStore, identities: IdentityStore | null | undefined,
): ReadonlyMap<string, OidcStrategy> {
  const strategies = new Map<string, OidcStrategy>();
  const names = Object.keys(options);
  if (names.length > 0 && !identities) {
    throw new TypeError(
      `nestjs-authkit: OpenID Connect sign-in (${names.join(', ')}) needs an IdentityStore, and there is none: implement ` +
        `IdentityStore (${IDENTITY_STORE_METHODS.join(', ')}) on the userStore, or pass a class of its own as \`identityStore\``,
    );
  }
  for (const provider of Object.values(options)) {
    const discovery = new OidcDiscovery(provider);
    const keys = new OidcKeys(async () => getJsonObject((await discovery.metadata()).jwksUri, provider.timeoutMs), provider.discoveryTtlMs);
    const strategy = new OidcStrategy(provider, discovery, keys, (sub, sid) => store.rememberSid(provider.name, sub, sid, PENDING_SID_TTL_MS));
    registry.register(strategy, `oidc.${provider.name}`);
    strategies.set(provider.name, strategy);
  }
  return strategies;
}

/** The oidc feature's providers. */
export const oidcProviders: Provider[] = [
  {
    provide: OidcLogoutStore,
    inject: [REDIS_OPTIONS, AUTHKIT_REDIS],
    useFactory: (options: ResolvedRedisOptions, redis: RedisClient | null): OidcLogoutStore =>
      redis ? new RedisOidcLogoutStore(redis, options.keyPrefix) : new MemoryOidcLogoutStore(),
  },
  {
    provide: OIDC_STRATEGIES,
    inject: [OIDC_OPTIONS, OAuthSourceRegistry, OidcLogoutStore, { token: IdentityStore, optional: true }],
    useFactory: createOidcStrategies,
  },
  OidcBackchannelLogout,
];
