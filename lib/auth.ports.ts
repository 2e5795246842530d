import { type Provider, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { RedisClient } from './adapters/redis/redis.options';
import { AUTHKIT_REPLICATED_WRITER } from './adapters/redis/authkit-redis.module';
import type { ReplicatedWriter } from './adapters/redis/replicated-write';
import { AUTHKIT_REDIS, RESOLVED_AUTH_OPTIONS } from './core/auth.constants';
import { type ProviderInput, type ResolvedAuthOptions } from './auth.options';
import { Argon2PasswordHasher } from './adapters/hashing/argon2-password.hasher';
import { MemoryUserStore } from './adapters/memory/memory-user.store';
import { PasswordHasher } from './core/ports/password-hasher.interface';
import { RedisUserStore } from './adapters/redis/redis-user.store';
import { missingMethods, USER_STORE_METHODS, UserStore } from './core/ports/user-store.interface';
import { CREDENTIAL_STORE_METHODS, CredentialStore } from './core/ports/credential-store.interface';
import { IDENTITY_STORE_METHODS, IdentityStore } from './core/ports/identity-store.interface';
import { guardCredentialStore, guardIdentityStore, guardUserStore } from './core/users/guarded-user.store';
import { MemorySessionStore } from './adapters/memory/memory-session.store';
import { RedisSessionStore } from './adapters/redis/redis-session.store';
import { sessionStoreSettings } from './core/sessions/session.options';
import { SessionStore } from './core/ports/session-store.interface';
import { LoginThrottler } from './core/ports/login-throttler.interface';
import { MemoryLoginThrottler } from './adapters/memory/memory-login.throttler';
import { RedisLoginThrottler } from './adapters/redis/redis-login.throttler';
import { MemoryRouteThrottle } from './adapters/memory/memory-route.throttle';
import { RedisRouteThrottle } from './adapters/redis/redis-route.throttle';
import { RouteThrottle } from './core/ports/route-throttle.interface';
import { LoggingMailer } from './adapters/mail/logging.mailer';
import { Mailer } from './core/ports/mailer.interface';
import { SmtpMailer } from './adapters/mail/smtp.mailer';
import { MemoryOneTimeTokenStore } from './adapters/memory/memory-one-time-token.store';
import { OneTimeTokenStore } from './core/ports/one-time-token-store.interface';
import { RedisOneTimeTokenStore } from './adapters/redis/redis-one-time-token.store';
import { SESSION_VERSIONS, type SessionVersions } from './core/ports/session-versions.interface';
import { RedisSessionVersions } from './adapters/redis/redis-session-versions';
import { MemorySessionVersions } from './adapters/memory/memory-session-versions';

/**
 * The ports of `AuthModule` (the composition root): each the app's adapter (a class built with DI, or an instance) or
 * the default one (Redis when configured, else memory), and the user ports taken from the `userStore`.
 */
export function isClass<T>(input: ProviderInput<T>): input is Type<T> {
  return typeof input === 'function';
}

/**
 * The `ModuleRef` of the options module, whose `imports` are those of `forRootAsync({ imports })`: an app's
 * adapter class is built there, so it can inject the providers of a non-global `UsersModule`.
 */
export const APP_SCOPE = Symbol('AUTHKIT_APP_SCOPE');

/**
 * Builds an app's adapter class with DI: first where the app's `imports` are visible; if a dependency is not
 * there (an adapter that injects the library's own providers, such as `AUTHKIT_REDIS`), in AuthModule's scope.
 */
export async function buildAdapter<T>(type: Type<T>, appScope: ModuleRef, authScope: ModuleRef): Promise<T> {
  try {
    return await appScope.create(type);
  } catch (error) {
    if ((error as object | null)?.constructor?.name !== 'UnknownDependenciesException') throw error;
    return authScope.create(type);
  }
}

/** A port provider: the user's class (built with DI) or instance, else the default adapter. */
function portProvider<T>(
  token: symbol,
  pick: (options: ResolvedAuthOptions) => ProviderInput<T> | undefined,
  fallback: (options: ResolvedAuthOptions, redis: RedisClient | null, replication: ReplicatedWriter | null) => T,
  guard: (adapter: T) => T = (adapter) => adapter,
): Provider {
  return {
    provide: token,
    inject: [RESOLVED_AUTH_OPTIONS, AUTHKIT_REDIS, APP_SCOPE, ModuleRef, AUTHKIT_REPLICATED_WRITER],
    useFactory: async (
      options: ResolvedAuthOptions, redis: RedisClient | null, appScope: ModuleRef, authScope: ModuleRef, replication: ReplicatedWriter | null,
    ): Promise<T> => {
      const given = pick(options);
      if (given === undefined) return fallback(options, redis, replication);
      return guard(isClass(given) ? await buildAdapter(given, appScope, authScope) : given);
    },
  };
}

/** The ports, each the app's adapter or the default one (Redis when configured, else memory). */
export const portProviders: Provider[] = [
  portProvider<SessionStore>(SessionStore, (o) => o.adapters.sessionStore, (options, redis, replication) =>
    redis
      ? new RedisSessionStore(redis, sessionStoreSettings(options.sessions), options.redis.keyPrefix, Date.now, replication ?? undefined)
      : new MemorySessionStore(sessionStoreSettings(options.sessions)),
  ),
  portProvider<PasswordHasher>(PasswordHasher, (o) => o.adapters.passwordHasher, (options) => new Argon2PasswordHasher(options.identity.passwordHashing)),
  portProvider<LoginThrottler>(LoginThrottler, (o) => o.adapters.loginThrottler, (options, redis) =>
    redis ? new RedisLoginThrottler(redis, options.throttle, options.redis.keyPrefix) : new MemoryLoginThrottler(options.throttle),
  ),
  portProvider<RouteThrottle>(RouteThrottle, (o) => o.adapters.routeThrottle, (options, redis) =>
    redis ? new RedisRouteThrottle(redis, options.redis.keyPrefix) : new MemoryRouteThrottle(),
  ),
  portProvider<Mailer>(Mailer, (o) => o.adapters.mailer, (options) =>
    options.mail.smtpUrl ? new SmtpMailer(options.mail.smtpUrl, options.mail.from) : new LoggingMailer(),
  ),
  portProvider<OneTimeTokenStore>(OneTimeTokenStore, (o) => o.adapters.oneTimeTokenStore, (options, redis) =>
    redis ? new RedisOneTimeTokenStore(redis, options.redis.keyPrefix) : new MemoryOneTimeTokenStore(),
  ),
  // The claims versions beside the default session stores; an app's own session store has none (null).
  {
    provide: SESSION_VERSIONS,
    inject: [SessionStore, RESOLVED_AUTH_OPTIONS, AUTHKIT_REDIS],
    useFactory: (store: SessionStore, options: ResolvedAuthOptions, redis: RedisClient | null): SessionVersions | null => {
      if (options.adapters.sessionStore !== undefined) return null;
      if (store instanceof RedisSessionStore && redis) return new RedisSessionVersions(redis, sessionStoreSettings(options.sessions), options.redis.keyPrefix);
      return store instanceof MemorySessionStore ? new MemorySessionVersions(store) : null;
    },
  },
];

/** The `userStore` as built (the app's, unguarded, or the default one): the source of the user ports. */
const USER_STORE_SOURCE = Symbol('AUTHKIT_USER_STORE_SOURCE');
interface UserStoreSource {
  store: UserStore;
  given: boolean;
}

/**
 * A user port (`UserStore`, `CredentialStore`, `IdentityStore`): the app's own adapter for it (`credentialStore`,
 * `identityStore`) if given, else the `userStore` when it implements the port (one class may implement several),
 * behind the library's guard when it is the app's. A port the `userStore` implements only in part is an error;
 * one it lacks entirely is `null` (the feature that needs it refuses to start), or an error when `needed` says why.
 */
function userPortProvider<T extends object>(
  port: { token: symbol; name: string; option: 'userStore' | 'credentialStore' | 'identityStore'; methods: readonly string[]; needed?: string },
  guard: (adapter: T) => T,
): Provider {
  const fail = (what: string, missing: string[]) => new TypeError(
    `nestjs-authkit: ${what} does not implement ${port.name} (missing ${missing.join(', ')})` +
      `${port.needed ? `, which ${port.needed} needs` : ''}: implement it${port.option === 'userStore' ? '' : ` there or pass a class of its own as \`${port.option}\``}`,
  );
  return {
    provide: port.token,
    inject: [RESOLVED_AUTH_OPTIONS, USER_STORE_SOURCE, APP_SCOPE, ModuleRef],
    useFactory: async (options: ResolvedAuthOptions, source: UserStoreSource, appScope: ModuleRef, authScope: ModuleRef): Promise<T | null> => {
      const own = port.option === 'userStore' ? undefined : (options.adapters[port.option] as ProviderInput<T> | undefined);
      const adapter = own === undefined ? source.store : isClass(own) ? await buildAdapter(own, appScope, authScope) : own;
      const missing = missingMethods(adapter, port.methods);
      const name = `the ${own === undefined ? 'userStore' : port.option} (${adapter.constructor?.name ?? 'an object'})`;
      if (missing.length > 0 && (own !== undefined || port.needed || missing.length < port.methods.length)) throw fail(name, missing);
      if (missing.length > 0) return null;
      return own !== undefined || source.given ? guard(adapter as T) : (adapter as T);
    },
  };
}

/** The user ports, all from the `userStore` unless the app gives a class of its own for a part. */
export const userPortProviders: Provider[] = [
  {
    provide: USER_STORE_SOURCE,
    inject: [RESOLVED_AUTH_OPTIONS, AUTHKIT_REDIS, APP_SCOPE, ModuleRef],
    useFactory: async (options: ResolvedAuthOptions, redis: RedisClient | null, appScope: ModuleRef, authScope: ModuleRef): Promise<UserStoreSource> => {
      const given = options.adapters.userStore;
      if (given === undefined) return { store: redis ? new RedisUserStore(redis, options.redis.keyPrefix) : new MemoryUserStore(), given: false };
      return { store: isClass(given) ? await buildAdapter(given, appScope, authScope) : given, given: true };
    },
  },
  userPortProvider<UserStore>({ token: UserStore, name: 'UserStore', option: 'userStore', methods: USER_STORE_METHODS, needed: 'every sign-in' }, guardUserStore),
  userPortProvider<CredentialStore>(
    { token: CredentialStore, name: 'CredentialStore', option: 'credentialStore', methods: CREDENTIAL_STORE_METHODS, needed: 'password sign-in' },
    guardCredentialStore,
  ),
  userPortProvider<IdentityStore>({ token: IdentityStore, name: 'IdentityStore', option: 'identityStore', methods: IDENTITY_STORE_METHODS }, guardIdentityStore),
];
