import type { Provider } from '@nestjs/common';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import { type AuthFeature, openApiDocs } from '../../core/feature/auth-feature';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../../core/http/cookie.options';
import { type RedisClient, REDIS_OPTIONS, type ResolvedRedisOptions } from '../../adapters/redis/redis.options';
import { PasskeysController } from './passkeys.controller';
import { PASSKEY_MAIL_TEMPLATES } from './passkeys.mail-templates';
import { documentPasskeyRoutes } from './passkeys.openapi';
import { PASSKEY_OPTIONS, type ResolvedPasskeyOptions } from './passkeys.options';
import { PASSKEY_ROUTE_LIMITS } from './passkeys.route-limits';
import { PasskeyAccounts, PasskeyContext, PasskeySignIn } from './passkey-accounts';
import { PasskeyCeremonies } from './passkey-ceremonies';
import { PasskeyNotices } from './passkey-notices';
import { PasskeySecondFactor } from './passkey-second-factor';
import { PasskeyChallengeStore, PasskeyCredentialStore } from './passkey-store.interface';
import { MemoryPasskeyChallengeStore, MemoryPasskeyCredentialStore } from './memory-passkey.stores';
import { RedisPasskeyChallengeStore, RedisPasskeyCredentialStore } from './redis-passkey.stores';

const stores: Provider[] = [
  {
    provide: PasskeyCredentialStore,
    inject: [PASSKEY_OPTIONS, REDIS_OPTIONS, AUTHKIT_REDIS],
    // The app's own (`passkeys.stores.credentials`: next to its users, e.g. in SQL), else Redis, else memory.
    useFactory: (options: ResolvedPasskeyOptions, redis: ResolvedRedisOptions, client: RedisClient | null): PasskeyCredentialStore =>
      options.stores?.credentials ?? (client ? new RedisPasskeyCredentialStore(client, redis.keyPrefix) : new MemoryPasskeyCredentialStore()),
  },
  {
    // Challenges stay in Redis (or memory) even with an app's credential store: short-lived, taken once, many per sign-in page.
    provide: PasskeyChallengeStore,
    inject: [REDIS_OPTIONS, AUTHKIT_REDIS],
    useFactory: (redis: ResolvedRedisOptions, client: RedisClient | null): PasskeyChallengeStore =>
      client ? new RedisPasskeyChallengeStore(client, redis.keyPrefix) : new MemoryPasskeyChallengeStore(),
  },
];

/**
 * Passkeys (`passkeys` option; its routes answer 404 without it): registration for a signed-in user, passwordless
 * sign-in with discoverable credentials, management, and passkeys as a second factor and for step-up through the
 * kernel's `SecondFactorRegistry` (`PasskeySecondFactor`).
 */
export const passkeysFeature: AuthFeature = {
  name: 'passkeys',
  mailTemplates: PASSKEY_MAIL_TEMPLATES,
  routeLimits: PASSKEY_ROUTE_LIMITS,
  build: (context) => {
    const providers: Provider[] = [...stores, PasskeyCeremonies, PasskeyNotices, PasskeyContext, PasskeySecondFactor, PasskeyAccounts, PasskeySignIn];
    const parts = { providers, exports: [PasskeyCredentialStore, PasskeyChallengeStore, PasskeyAccounts, PasskeySignIn] };
    if (!context.controllers) return parts;
    const controller = context.mount(PasskeysController);
    const docs = openApiDocs('passkeys', [PASSKEY_OPTIONS, COOKIE_OPTIONS], (options: ResolvedPasskeyOptions, cookie: ResolvedCookieOptions) =>
      documentPasskeyRoutes(controller, options, cookie));
    return { ...parts, providers: [...providers, docs], controllers: [controller] };
  },
};
