import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AUTHKIT_REDIS, RESOLVED_AUTH_OPTIONS } from '../auth.constants';
import type { ResolvedAuthOptions } from '../auth.options';
import { OAuthIdentityResolver } from './oauth-identity.resolver';
import { MemoryOAuthStateStore } from './memory-oauth-state.store';
import { OAuthStateStore } from './oauth-state-store.interface';
import { OAUTH_STRATEGIES } from './oauth-strategy.interface';
import { createOAuthStrategies } from './oauth-strategies';
import { OAuthService } from './oauth.service';
import { RedisOAuthStateStore } from './redis-oauth-state.store';

/** The OAuth providers `AuthModule` registers (strategies, state store, resolver, service). */
export const oauthProviders: Provider[] = [
  { provide: OAUTH_STRATEGIES, inject: [RESOLVED_AUTH_OPTIONS], useFactory: createOAuthStrategies },
  {
    provide: OAuthStateStore,
    inject: [RESOLVED_AUTH_OPTIONS, AUTHKIT_REDIS],
    useFactory: (options: ResolvedAuthOptions, redis: Redis | null): OAuthStateStore =>
      redis ? new RedisOAuthStateStore(redis, options.keyPrefix) : new MemoryOAuthStateStore(),
  },
  OAuthIdentityResolver,
  OAuthService,
];

/** What `AuthModule` exports of OAuth. */
export const oauthExports = [OAuthStateStore, OAuthIdentityResolver, OAuthService];
