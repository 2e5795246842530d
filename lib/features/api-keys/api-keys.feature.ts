import type { Provider } from '@nestjs/common';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import { type AuthFeature, openApiDocs } from '../../core/feature/auth-feature';
import { documentApiKeyRoutes } from './api-keys.openapi';
import { apiKeyRoutesOpenApi } from './api-key-routes.openapi';
import { BEARER_AUTHENTICATOR } from '../../core/guards/bearer-authenticator';
import { type RedisClient, REDIS_OPTIONS, type ResolvedRedisOptions } from '../../adapters/redis/redis.options';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { ApiKeyOwners } from './api-key-owners';
import { ApiKeyStore } from './api-key-store.interface';
import { ApiKeysAdminController, ApiKeysController } from './api-keys.controller';
import { API_KEYS_OPTIONS, type ResolvedApiKeysOptions } from './api-keys.options';
import { ApiKeysService } from './api-keys.service';
import { MemoryApiKeyStore } from './memory-api-key.store';
import { RedisApiKeyStore } from './redis-api-key.store';

const providers: Provider[] = [
  {
    provide: ApiKeyStore,
    inject: [REDIS_OPTIONS, AUTHKIT_REDIS],
    useFactory: (redis: ResolvedRedisOptions, client: RedisClient | null): ApiKeyStore =>
      client ? new RedisApiKeyStore(client, redis.keyPrefix) : new MemoryApiKeyStore(),
  },
  ApiKeyOwners, ApiKeysService, ApiKeyAuthenticator,
  // The kernel's extension point: `AccessTokenGuard` hands it the bearer credentials that carry the key prefix
  // (none when the feature is off, so the guard pays nothing).
  {
    provide: BEARER_AUTHENTICATOR,
    inject: [API_KEYS_OPTIONS, ApiKeyAuthenticator],
    useFactory: (options: ResolvedApiKeysOptions, authenticator: ApiKeyAuthenticator) => (options.enabled ? authenticator : null),
  },
];

/**
 * API keys (`apiKeys` option; its routes answer 404 and no key is accepted without it): `POST/GET/DELETE
 * /auth/api-keys`, the admin's list and revoke (with the `adminRoutes` extra), and the authenticator that lets
 * `@AllowApiKey()` routes accept a key in the `Authorization` header.
 */
export const apiKeysFeature: AuthFeature = {
  name: 'api-keys',
  build: (context) => {
    // The app's key routes are documented with or without the library's routes mounted.
    const parts = { providers: [...providers, apiKeyRoutesOpenApi()], exports: [ApiKeyStore, ApiKeysService, BEARER_AUTHENTICATOR] };
    if (!context.controllers) return parts;
    const keys = context.mount(ApiKeysController);
    const admin = context.adminRoutes ? context.mount(ApiKeysAdminController) : undefined;
    const docs = openApiDocs('api-keys', [API_KEYS_OPTIONS], (options: ResolvedApiKeysOptions) => documentApiKeyRoutes({ keys, admin }, options));
    return { ...parts, providers: [...parts.providers, docs], controllers: admin ? [keys, admin] : [keys] };
  },
};
