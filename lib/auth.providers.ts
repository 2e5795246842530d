import { Controller, type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import type { RedisClient } from './adapters/redis/redis.options';
import { AUTH_MODULE_OPTIONS, AUTHKIT_REDIS, RESOLVED_AUTH_OPTIONS } from './core/auth.constants';
import { AUTH_MODULE_EXTRAS_DEFAULTS, type AuthModuleExtras } from './auth.module-extras';
import { type AuthModuleOptions, OPTION_SLICES, type ProviderInput, resolveAuthOptions, type ResolvedAuthOptions } from './auth.options';
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
import { checkKindName, ONE_TIME_TOKEN_KINDS } from './core/feature/feature-registry';
import { AccountDeletion } from './core/users/account-deletion.service';
import { BUILT_IN_FEATURES } from './auth.features';
import { Argon2PasswordHasher } from './adapters/hashing/argon2-password.hasher';
import { AuthService } from './core/sign-in/auth.service';
import { SessionIssuer } from './core/sign-in/session-issuer';
import { SignInPipeline } from './core/sign-in/sign-in-pipeline';
import { SIGN_IN_STEPS, type SignInStep, type SignInStepInput } from './core/sign-in/sign-in-step';
import { BeforeLoginHookStep, VerifiedEmailStep } from './core/sign-in/sign-in.steps';
import { RefreshService } from './core/sessions/refresh.service';
import { SessionsService } from './core/sessions/sessions.service';
import { RouteLimiter } from './core/throttling/route-limiter';
import { IdentityResolver } from './core/users/identity-resolver.service';
import { MemoryUserStore } from './adapters/memory/memory-user.store';
import { PasswordHasher } from './core/ports/password-hasher.interface';
import { RedisUserStore } from './adapters/redis/redis-user.store';
import { missingMethods, USER_STORE_METHODS, UserStore } from './core/ports/user-store.interface';
import { CREDENTIAL_STORE_METHODS, CredentialStore } from './core/ports/credential-store.interface';
import { IDENTITY_STORE_METHODS, IdentityStore } from './core/ports/identity-store.interface';
import { guardCredentialStore, guardIdentityStore, guardUserStore } from './core/users/guarded-user.store';
import { AuthkitRedisModule, authkitRedisProvider } from './adapters/redis/authkit-redis.module';
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
  fallback: (options: ResolvedAuthOptions, redis: RedisClient | null) => T,
  guard: (adapter: T) => T = (adapter) => adapter,
): Provider {
  return {
    provide: token,
    inject: [RESOLVED_AUTH_OPTIONS, AUTHKIT_REDIS, APP_SCOPE, ModuleRef],
    useFactory: async (options: ResolvedAuthOptions, redis: RedisClient | null, appScope: ModuleRef, authScope: ModuleRef): Promise<T> => {
      const given = pick(options);
      if (given === undefined) return fallback(options, redis);
      return guard(isClass(given) ? await buildAdapter(given, appScope, authScope) : given);
    },
  };
}

/** The ports, each the app's adapter or the default one (Redis when configured, else memory). */
const portProviders: Provider[] = [
  portProvider<SessionStore>(SessionStore, (o) => o.adapters.sessionStore, (options, redis) =>
    redis
      ? new RedisSessionStore(redis, sessionStoreSettings(options.sessions), options.redis.keyPrefix, Date.now, options.redis.replicationWait)
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
const userPortProviders: Provider[] = [
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

/**
 * `RESOLVED_AUTH_OPTIONS` from the raw options (with the route limits and mail kinds the module's `features`
 * declare), and each feature's slice under its own token.
 */
const optionProviders = (features: readonly AuthFeature[]): Provider[] => [
  {
    provide: RESOLVED_AUTH_OPTIONS,
    inject: [AUTH_MODULE_OPTIONS],
    useFactory: (options: AuthModuleOptions) => resolveAuthOptions(options, features),
  },
  { provide: APP_SCOPE, inject: [ModuleRef], useFactory: (moduleRef: ModuleRef) => moduleRef },
  ...OPTION_SLICES.map(([token, key]): Provider => ({
    provide: token,
    inject: [RESOLVED_AUTH_OPTIONS],
    useFactory: (options: ResolvedAuthOptions) => options[key],
  })),
];

/**
 * `SIGN_IN_STEPS`: the library's steps (the verified-email rule, `hooks.beforeLogin`), then the app's
 * `signInSteps` in order, each class built with DI like an app's adapter; the features' steps come between.
 */
const FEATURE_SIGN_IN_STEPS = Symbol('AUTHKIT_FEATURE_SIGN_IN_STEPS');
const signInStepsProvider: Provider = {
  provide: SIGN_IN_STEPS,
  inject: [RESOLVED_AUTH_OPTIONS, APP_SCOPE, ModuleRef, VerifiedEmailStep, BeforeLoginHookStep, FEATURE_SIGN_IN_STEPS],
  useFactory: async (
    options: ResolvedAuthOptions, appScope: ModuleRef, authScope: ModuleRef, verifiedEmail: VerifiedEmailStep, beforeLogin: BeforeLoginHookStep,
    featureSteps: SignInStepInput[],
  ): Promise<SignInStep[]> => {
    const steps: SignInStep[] = [verifiedEmail, beforeLogin];
    // The features' steps are built in the auth module's scope (they may inject the kernel); the app's where its imports are.
    for (const step of featureSteps) steps.push(isClass(step) ? await authScope.create(step) : step);
    for (const step of options.signInSteps) steps.push(isClass(step) ? await buildAdapter(step, appScope, authScope) : step);
    return steps;
  },
};

/** The sign-in pipeline's own parts, which only the kernel uses (never exported: SessionIssuer alone starts sessions). */
const signInInternals: Provider[] = [SessionIssuer, VerifiedEmailStep, BeforeLoginHookStep, signInStepsProvider];

/** The kernel's services, guards and filter, which the module provides and exports. */
const services: Provider[] = [
  AuthEvents, TokenService, IdentityResolver, AuthService, AccountDeletion, TokenResponder, SignInPipeline, RefreshService, SessionsService,
  RouteLimiter, AccessTokenGuard, RolesGuard, AuthExceptionFilter, MaxmemoryPolicyCheck,
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
  const enabled = [...BUILT_IN_FEATURES, ...features];
  const parts = composeFeatures(enabled, { controllers: controller, adminRoutes, mount: (type) => mounted(type, routePrefix) });
  const options = optionProviders(enabled);
  const optionsModule: DynamicModule = {
    module: AuthOptionsModule,
    imports: definition.imports ?? [],
    providers: [...(definition.providers ?? []), ...options],
    exports: [AUTH_MODULE_OPTIONS, ...options.map((provider) => (provider as { provide: symbol }).provide)],
  };
  const kernel = kernelParts(controller, routePrefix);
  const guards: Provider[] = globalGuards
    ? [{ provide: APP_GUARD, useClass: AccessTokenGuard }, { provide: APP_GUARD, useClass: RolesGuard }]
    : [];
  return {
    module: definition.module,
    global: isGlobal,
    imports: [optionsModule, AuthkitRedisModule.register(optionsModule)],
    controllers: [...kernel.controllers, ...parts.controllers],
    providers: [
      authkitRedisProvider, ...userPortProviders, ...portProviders, ...signInInternals, ...services, RequestUserSlot, ...guards,
      ...kernel.providers, ...parts.providers, { provide: ONE_TIME_TOKEN_KINDS, useValue: parts.oneTimeTokenKinds },
      { provide: FEATURE_SIGN_IN_STEPS, useValue: parts.signInSteps },
    ],
    exports: [
      optionsModule, AUTHKIT_REDIS, SessionStore, UserStore, CredentialStore, IdentityStore, PasswordHasher, LoginThrottler, RouteThrottle, Mailer,
      OneTimeTokenStore, ...services, ...parts.exports,
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
  const all: Required<AuthFeatureParts> = { providers: [], exports: [], controllers: [], oneTimeTokenKinds: [], signInSteps: [] };
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
    all.oneTimeTokenKinds.push(...(parts.oneTimeTokenKinds ?? []).map((kind) => checkKindName(kind, `feature "${feature.name}"'s oneTimeTokenKinds`)));
    all.signInSteps.push(...(parts.signInSteps ?? []));
  }
  return all;
}
