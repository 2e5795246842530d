import { Controller, type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import type { RedisClient } from './adapters/redis/redis.options';
import { AUTH_MODULE_OPTIONS, AUTHKIT_REDIS, RESOLVED_AUTH_OPTIONS } from './core/auth.constants';
import { AUTH_MODULE_EXTRAS_DEFAULTS, type AuthModuleExtras } from './auth.module-extras';
import { OPTION_SLICES, type ProviderInput, resolveAuthOptions, type ResolvedAuthOptions } from './auth.options';
import { AuthEvents } from './core/events/auth-events.emitter';
import { AccessTokenGuard } from './core/guards/access-token.guard';
import { RolesGuard } from './core/guards/roles.guard';
import { AuthExceptionFilter } from './core/http/auth-exception.filter';
import { TokenResponder } from './core/http/token-responder';
import { SessionsController } from './core/sessions/sessions.controller';
import { documentSessionRoutes } from './core/sessions/sessions.openapi';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from './core/http/cookie.options';
import type { AuthFeature, AuthFeatureParts } from './core/feature/auth-feature';
import { openApiDocs } from './core/feature/auth-feature';
import { ONE_TIME_TOKEN_KINDS } from './core/feature/feature-registry';
import { AccountDeletion } from './core/users/account-deletion.service';
import { BUILT_IN_FEATURES } from './auth.features';
import { Argon2PasswordHasher } from './adapters/hashing/argon2-password.hasher';
import { AuthService } from './core/sign-in/auth.service';
import { IdentityResolver } from './core/users/identity-resolver.service';
import { MemoryUserStore } from './adapters/memory/memory-user.store';
import { PasswordHasher } from './core/ports/password-hasher.interface';
import { RedisUserStore } from './adapters/redis/redis-user.store';
import { UserStore } from './core/ports/user-store.interface';
import { guardUserStore } from './core/users/guarded-user.store';
import {
  AUTHKIT_REPLICATED_WRITER, AuthkitRedisModule, authkitRedisProvider, replicatedWriterProvider,
} from './adapters/redis/authkit-redis.module';
import type { ReplicatedWriter } from './adapters/redis/replicated-write';
import { MaxmemoryPolicyCheck } from './adapters/redis/maxmemory-policy.check';
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
import { TokenService } from './core/tokens/token.service';
import { RequestUserSlot } from './core/http/request-user-slot';
import { LoggingMailer } from './adapters/mail/logging.mailer';
import { Mailer } from './core/ports/mailer.interface';
import { SmtpMailer } from './adapters/mail/smtp.mailer';
import { MemoryOneTimeTokenStore } from './adapters/memory/memory-one-time-token.store';
import { OneTimeTokenStore } from './core/ports/one-time-token-store.interface';
import { RedisOneTimeTokenStore } from './adapters/redis/redis-one-time-token.store';

/** Holds the (async) options and their per-feature slices, so that `AuthModule` and its Redis module can inject them. */
@Module({})
class AuthOptionsModule {}

function isClass<T>(input: ProviderInput<T>): input is Type<T> {
  return typeof input === 'function';
}

/**
 * The `ModuleRef` of the options module, whose `imports` are those of `forRootAsync({ imports })`: an app's
 * adapter class is built there, so it can inject the providers of a non-global `UsersModule`.
 */
const APP_SCOPE = Symbol('AUTHKIT_APP_SCOPE');

/**
 * Builds an app's adapter class with DI: first where the app's `imports` are visible; if a dependency is not
 * there (an adapter that injects the library's own providers, such as `AUTHKIT_REDIS`), in AuthModule's scope.
 */
async function buildAdapter<T>(type: Type<T>, appScope: ModuleRef, authScope: ModuleRef): Promise<T> {
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
const portProviders: Provider[] = [
  portProvider<SessionStore>(SessionStore, (o) => o.adapters.sessionStore, (options, redis, replication) =>
    redis
      ? new RedisSessionStore(redis, sessionStoreSettings(options.sessions), options.redis.keyPrefix, Date.now, replication ?? undefined)
      : new MemorySessionStore(sessionStoreSettings(options.sessions)),
  ),
  portProvider<UserStore>(UserStore, (o) => o.adapters.userStore, (options, redis) =>
    redis ? new RedisUserStore(redis, options.redis.keyPrefix) : new MemoryUserStore(),
  guardUserStore),
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
];

/** `RESOLVED_AUTH_OPTIONS` from the raw options, and each feature's slice under its own token. */
const optionProviders: Provider[] = [
  { provide: RESOLVED_AUTH_OPTIONS, inject: [AUTH_MODULE_OPTIONS], useFactory: resolveAuthOptions },
  { provide: APP_SCOPE, inject: [ModuleRef], useFactory: (moduleRef: ModuleRef) => moduleRef },
  ...OPTION_SLICES.map(([token, key]): Provider => ({
    provide: token,
    inject: [RESOLVED_AUTH_OPTIONS],
    useFactory: (options: ResolvedAuthOptions) => options[key],
  })),
];

/** The kernel's services, guards and filter, which the module provides and exports. */
const services: Provider[] = [
  AuthEvents, TokenService, IdentityResolver, AuthService, AccountDeletion, TokenResponder, AccessTokenGuard, RolesGuard, AuthExceptionFilter, MaxmemoryPolicyCheck,
];

/** Mounts a controller class under the route prefix (a subclass, so several modules can mount it). */
function mounted(base: Type, routePrefix: string): Type {
  const subclass = class extends base {};
  Object.defineProperty(subclass, 'name', { value: `Mounted${base.name}` });
  Controller(routePrefix)(subclass);
  return subclass;
}

/**
 * Completes the dynamic module built by `ConfigurableModuleBuilder` (`forRoot`/`forRootAsync`): options and
 * their slices, Redis, ports, services, controllers and global guards, as the extras ask.
 */
export function assembleAuthModule(definition: DynamicModule, extras: AuthModuleExtras): DynamicModule {
  const { isGlobal, globalGuards, controller, routePrefix, adminRoutes, features } = { ...AUTH_MODULE_EXTRAS_DEFAULTS, ...extras };
  const optionsModule: DynamicModule = {
    module: AuthOptionsModule,
    imports: definition.imports ?? [],
    providers: [...(definition.providers ?? []), ...optionProviders],
    exports: [AUTH_MODULE_OPTIONS, ...optionProviders.map((provider) => (provider as { provide: symbol }).provide)],
  };
  const kernel = kernelParts(controller, routePrefix);
  const parts = composeFeatures([...BUILT_IN_FEATURES, ...features], { controllers: controller, adminRoutes, mount: (type) => mounted(type, routePrefix) });
  const guards: Provider[] = globalGuards
    ? [{ provide: APP_GUARD, useClass: AccessTokenGuard }, { provide: APP_GUARD, useClass: RolesGuard }]
    : [];
  return {
    module: definition.module,
    global: isGlobal,
    imports: [optionsModule, AuthkitRedisModule.register(optionsModule)],
    controllers: [...kernel.controllers, ...parts.controllers],
    providers: [
      authkitRedisProvider, replicatedWriterProvider, ...portProviders, ...services, RequestUserSlot, ...guards, ...kernel.providers, ...parts.providers,
      { provide: ONE_TIME_TOKEN_KINDS, useValue: parts.oneTimeTokenKinds },
    ],
    exports: [
      optionsModule, AUTHKIT_REDIS, SessionStore, UserStore, PasswordHasher, LoginThrottler, RouteThrottle, Mailer, OneTimeTokenStore,
      ...services, ...parts.exports,
    ],
  };
}

/** The kernel's own routes (refresh, logout, me, sessions) and their OpenAPI description, unless `controller: false`. */
function kernelParts(controller: boolean, routePrefix: string): { controllers: Type[]; providers: Provider[] } {
  if (!controller) return { controllers: [], providers: [] };
  const sessions = mounted(SessionsController, routePrefix);
  return {
    controllers: [sessions],
    providers: [openApiDocs('sessions', [COOKIE_OPTIONS], (cookie: ResolvedCookieOptions) => documentSessionRoutes(sessions, cookie))],
  };
}

/** Builds every feature and gathers what they add; two features of one name are a mistake. */
function composeFeatures(
  features: readonly AuthFeature[], context: Parameters<AuthFeature['build']>[0],
): Required<AuthFeatureParts> {
  const all: Required<AuthFeatureParts> = { providers: [], exports: [], controllers: [], oneTimeTokenKinds: [] };
  const names = new Set<string>();
  for (const feature of features) {
    if (!feature || typeof feature.name !== 'string' || typeof feature.build !== 'function') {
      throw new TypeError('nestjs-authkit: option "features" must hold AuthFeature objects ({ name, build })');
    }
    if (names.has(feature.name)) throw new TypeError(`nestjs-authkit: option "features": two features named "${feature.name}"`);
    names.add(feature.name);
    const parts = feature.build(context);
    all.providers.push(...(parts.providers ?? []));
    all.exports.push(...(parts.exports ?? []));
    all.controllers.push(...(parts.controllers ?? []));
    all.oneTimeTokenKinds.push(...(parts.oneTimeTokenKinds ?? []));
  }
  return all;
}
