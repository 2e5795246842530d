import { Controller, type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import { AUTH_MODULE_OPTIONS, AUTHKIT_REDIS, RESOLVED_AUTH_OPTIONS } from './core/auth.constants';
import { AUTH_MODULE_EXTRAS_DEFAULTS, type AuthModuleExtras } from './auth.module-extras';
import { type AuthModuleOptions, OPTION_SLICES, resolveAuthOptions, type ResolvedAuthOptions } from './auth.options';
import { AuthEvents, SECURITY_LOG_KEY } from './core/events/auth-events.emitter';
import { AccessTokenGuard } from './core/guards/access-token.guard';
import { RolesGuard } from './core/guards/roles.guard';
import { RecentAuthGuard } from './core/guards/recent-auth.guard';
import { ReauthenticationController } from './core/sessions/reauthentication.controller';
import { ReauthenticationService } from './core/sessions/reauthentication.service';
import { SECOND_FACTORS, SecondFactorRegistry } from './core/sessions/second-factors';
import { AuthExceptionFilter } from './core/http/auth-exception.filter';
import { TokenResponder } from './core/http/token-responder';
import { SessionsController } from './core/sessions/sessions.controller';
import { documentSessionRoutes } from './core/sessions/sessions.openapi';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from './core/http/cookie.options';
import type { AuthFeature, AuthFeatureParts } from './core/feature/auth-feature';
import { openApiDocs } from './core/feature/auth-feature';
import { appRoutesOpenApi } from './core/http/openapi-app-routes';
import { checkKindName, ONE_TIME_TOKEN_KINDS } from './core/feature/feature-registry';
import { AccountDeletion } from './core/users/account-deletion.service';
import { AccountSecuring } from './core/users/account-securing.service';
import { BUILT_IN_FEATURES } from './auth.features';
import { AuthService } from './core/sign-in/auth.service';
import { SessionIssuer } from './core/sign-in/session-issuer';
import { SignInPipeline } from './core/sign-in/sign-in-pipeline';
import { OAuthSourceRegistry } from './core/sign-in/oauth-sources';
import { SIGN_IN_STEPS, type SignInStep, type SignInStepInput } from './core/sign-in/sign-in-step';
import { BeforeLoginHookStep, VerifiedEmailStep } from './core/sign-in/sign-in.steps';
import { RefreshService } from './core/sessions/refresh.service';
import { SessionsService } from './core/sessions/sessions.service';
import { RouteLimiter } from './core/throttling/route-limiter';
import { IdentityResolver } from './core/users/identity-resolver.service';
import { PasswordHasher } from './core/ports/password-hasher.interface';
import { UserStore } from './core/ports/user-store.interface';
import { CredentialStore } from './core/ports/credential-store.interface';
import { IdentityStore } from './core/ports/identity-store.interface';
import { AuthkitRedisModule, authkitRedisProvider, replicatedWriterProvider } from './adapters/redis/authkit-redis.module';
import { MaxmemoryPolicyCheck } from './adapters/redis/maxmemory-policy.check';
import { SessionStore } from './core/ports/session-store.interface';
import { SESSION_VERSIONS } from './core/ports/session-versions.interface';
import { LoginThrottler } from './core/ports/login-throttler.interface';
import { RouteThrottle } from './core/ports/route-throttle.interface';
import { TokenService } from './core/tokens/token.service';
import { RequestUserSlot } from './core/http/request-user-slot';
import { Mailer } from './core/ports/mailer.interface';
import { OneTimeTokenStore } from './core/ports/one-time-token-store.interface';
import { APP_SCOPE, buildAdapter, isClass, portProviders, userPortProviders } from './auth.ports';

/** Holds the (async) options and their per-feature slices, so that `AuthModule` and its Redis module can inject them. */
@Module({})
class AuthOptionsModule {}

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

/** The security log's key, from the refresh-token server key (`TokenService`): one pseudonym per email on every instance. */
const securityLogKey: Provider = { provide: SECURITY_LOG_KEY, inject: [TokenService], useFactory: (tokens: TokenService) => tokens.logPseudonymKey };

/** The kernel's services, guards and filter, which the module provides and exports. */
const services: Provider[] = [
  AuthEvents, TokenService, IdentityResolver, AuthService, AccountDeletion, AccountSecuring, TokenResponder, SignInPipeline, RefreshService, SessionsService,
  RouteLimiter, AccessTokenGuard, RolesGuard, RecentAuthGuard, ReauthenticationService, AuthExceptionFilter, MaxmemoryPolicyCheck,
  OAuthSourceRegistry,
  // The second factors the features register (none: the kernel knows passwords only).
  SecondFactorRegistry, { provide: SECOND_FACTORS, useExisting: SecondFactorRegistry },
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
  // `useExisting`: the global guards are the module's own AccessTokenGuard / RolesGuard providers, so a test's
  // `overrideProvider(AccessTokenGuard)` (Nest's way to override a global guard) applies to them too.
  const guards: Provider[] = globalGuards
    ? [{ provide: APP_GUARD, useExisting: AccessTokenGuard }, { provide: APP_GUARD, useExisting: RolesGuard }]
    : [];
  const controllers = [...kernel.controllers, ...parts.controllers];
  return {
    module: definition.module,
    global: isGlobal,
    imports: [optionsModule, AuthkitRedisModule.register(optionsModule)],
    controllers,
    providers: [
      authkitRedisProvider, replicatedWriterProvider, ...userPortProviders, ...portProviders, ...signInInternals, securityLogKey, ...services, RequestUserSlot, ...guards,
      ...kernel.providers, ...parts.providers, { provide: ONE_TIME_TOKEN_KINDS, useValue: parts.oneTimeTokenKinds },
      { provide: FEATURE_SIGN_IN_STEPS, useValue: parts.signInSteps }, appRoutesOpenApi(globalGuards, controllers),
    ],
    exports: [
      optionsModule, AUTHKIT_REDIS, SessionStore, UserStore, CredentialStore, IdentityStore, PasswordHasher, LoginThrottler, RouteThrottle, Mailer,
      OneTimeTokenStore, SESSION_VERSIONS, ...services, ...parts.exports,
    ],
  };
}

/** The kernel's own routes (refresh, logout, me, sessions) and their OpenAPI description, unless `controller: false`. */
function kernelParts(controller: boolean, routePrefix: string): { controllers: Type[]; providers: Provider[] } {
  if (!controller) return { controllers: [], providers: [] };
  const sessions = mounted(SessionsController, routePrefix);
  const reauthentication = mounted(ReauthenticationController, routePrefix);
  return {
    controllers: [sessions, reauthentication],
    providers: [openApiDocs('sessions', [COOKIE_OPTIONS], (cookie: ResolvedCookieOptions) => documentSessionRoutes({ sessions, reauthentication }, cookie))],
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
