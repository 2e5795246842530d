import type { Provider } from '@nestjs/common';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import { type RedisClient, REDIS_OPTIONS, type ResolvedRedisOptions } from '../../adapters/redis/redis.options';
import { OAUTH_OPTIONS, type ResolvedOAuthOptions } from './oauth.options';
import { OAUTH_LINKING, OAuthIdentityResolver, oauthLinkingSettings } from './oauth-identity.service';
import { IDENTITY_OPTIONS, type ResolvedIdentityOptions } from '../../core/users/identity.options';
import { ACCOUNT_OPTIONS, type ResolvedAccountOptions } from '../../core/options/account.options';
import { MemoryOAuthStateStore } from './memory-oauth-state.store';
import { OAuthStateStore } from './oauth-state-store.interface';
import { OAuthSourceRegistry } from '../../core/sign-in/oauth-sources';
import { OAUTH_STRATEGIES } from './oauth-strategy.interface';
import { createOAuthStrategies } from './oauth-strategies';
import { OAuthService } from './oauth.service';
import { OAuthLinking } from './oauth-linking';
import { RedisOAuthStateStore } from './redis-oauth-state.store';

/** The OAuth providers `AuthModule` registers (strategies, state store, resolver, service). */
export const oauthProviders: Provider[] = [
  { provide: OAUTH_STRATEGIES, inject: [OAUTH_OPTIONS, OAuthSourceRegistry], useFactory: createOAuthStrategies },
  {
    provide: OAuthStateStore,
    inject: [REDIS_OPTIONS, AUTHKIT_REDIS],
    useFactory: (options: ResolvedRedisOptions, redis: RedisClient | null): OAuthStateStore =>
      redis ? new RedisOAuthStateStore(redis, options.keyPrefix) : new MemoryOAuthStateStore(),
  },
  {
    provide: OAUTH_LINKING,
    inject: [OAUTH_OPTIONS, IDENTITY_OPTIONS, ACCOUNT_OPTIONS],
    useFactory: (oauth: ResolvedOAuthOptions, identity: ResolvedIdentityOptions, account: ResolvedAccountOptions) =>
      oauthLinkingSettings(oauth, identity, account),
  },
  OAuthIdentityResolver,
  OAuthLinking,
  OAuthService,
];

/** What `AuthModule` exports of OAuth. */
export const oauthExports = [OAuthStateStore, OAuthIdentityResolver, OAuthService];
