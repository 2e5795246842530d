import { type DynamicModule, Inject, Logger, Module, type OnModuleInit, type Provider, type Type, Controller } from '@nestjs/common';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { AUTHKIT_REDIS, RESOLVED_AUTH_OPTIONS } from './auth.constants';
import {
  AUTH_MODULE_EXTRAS_DEFAULTS, AUTH_MODULE_OPTIONS, type AuthModuleExtras, ConfigurableAuthModule, setAuthModuleAssembly,
} from './auth.module-definition';
import { type AuthModuleOptions, type ProviderInput, resolveAuthOptions, type ResolvedAuthOptions } from './auth.options';
import { AuthService } from './identity/auth.service';
import { AccessTokenGuard } from './guards/access-token.guard';
import { AuthkitJwtStrategy } from './guards/authkit-jwt.strategy';
import { RolesGuard } from './guards/roles.guard';
import { AuthExceptionFilter } from './http/auth-exception.filter';
import { AuthController } from './http/auth.controller';
import { Argon2PasswordHasher } from './identity/argon2-password.hasher';
import { IdentityResolver } from './identity/identity.resolver';
import { MemoryUserStore } from './identity/memory-user.store';
import { PasswordHasher } from './identity/password-hasher.interface';
import { RedisUserStore } from './identity/redis-user.store';
import { UserStore } from './identity/user-store.interface';
import { AuthkitRedisModule, authkitRedisProvider } from './redis/authkit-redis.module';
import { MaxmemoryPolicyCheck } from './redis/maxmemory-policy.check';
import { MemorySessionStore } from './sessions/memory-session.store';
import { RedisSessionStore } from './sessions/redis-session.store';
import { SessionStore } from './sessions/session-store.interface';
import { TokenService } from './tokens/token.service';
import { OAuthController } from './http/oauth.controller';
import { oauthExports, oauthProviders } from './oauth/oauth.providers';
import { LoginThrottler } from './throttling/login-throttler.interface';
import { MemoryLoginThrottler } from './throttling/memory-login.throttler';
import { RedisLoginThrottler } from './throttling/redis-login.throttler';

/** Holds the (async) options so that both `AuthModule` and its Redis module can inject them. */
@Module({})
class AuthOptionsModule {}

function isClass<T>(input: ProviderInput<T>): input is Type<T> {
  return typeof input === 'function';
}

/** A port provider: the user's class (built with DI) or instance, else the default adapter. */
function portProvider<T>(
  token: symbol,
  pick: (options: ResolvedAuthOptions) => ProviderInput<T> | undefined,
  fallback: (options: ResolvedAuthOptions, redis: Redis | null) => T,
): Provider {
  return {
    provide: token,
    inject: [RESOLVED_AUTH_OPTIONS, AUTHKIT_REDIS, ModuleRef],
    useFactory: async (options: ResolvedAuthOptions, redis: Redis | null, moduleRef: ModuleRef): Promise<T> => {
      const given = pick(options);
      if (given === undefined) return fallback(options, redis);
      return isClass(given) ? moduleRef.create(given) : given;
    },
  };
}

const storeProviders: Provider[] = [
  portProvider<SessionStore>(SessionStore, (o) => o.sessionStore, (options, redis) => {
    const settings = {
      idleTtlMs: options.refreshTokenTtlSeconds * 1000,
      absoluteTtlMs: options.sessionAbsoluteTtlSeconds * 1000,
      reuseWindowMs: options.reuseWindowMs,
      maxSessionsPerUser: options.maxSessionsPerUser,
    };
    return redis ? new RedisSessionStore(redis, settings, options.keyPrefix) : new MemorySessionStore(settings);
  }),
  portProvider<UserStore>(UserStore, (o) => o.userStore, (options, redis) =>
    redis ? new RedisUserStore(redis, options.keyPrefix) : new MemoryUserStore(),
  ),
  portProvider<PasswordHasher>(PasswordHasher, (o) => o.passwordHasher, (options) => new Argon2PasswordHasher(options.passwordHashing)),
  portProvider<LoginThrottler>(LoginThrottler, (o) => o.loginThrottler, (options, redis) =>
    redis ? new RedisLoginThrottler(redis, options.throttle, options.keyPrefix) : new MemoryLoginThrottler(options.throttle),
  ),
];

function assemble(definition: DynamicModule, extras: AuthModuleExtras): DynamicModule {
  const { isGlobal, globalGuards, controller, routePrefix } = { ...AUTH_MODULE_EXTRAS_DEFAULTS, ...extras };
  const optionsModule: DynamicModule = {
    module: AuthOptionsModule,
    imports: definition.imports ?? [],
    providers: [
      ...(definition.providers ?? []),
      { provide: RESOLVED_AUTH_OPTIONS, inject: [AUTH_MODULE_OPTIONS], useFactory: resolveAuthOptions },
    ],
    exports: [AUTH_MODULE_OPTIONS, RESOLVED_AUTH_OPTIONS],
  };
  const controllers: Type[] = [];
  if (controller) {
    class MountedAuthController extends AuthController {}
    Controller(routePrefix)(MountedAuthController);
    controllers.push(MountedAuthController);
    class MountedOAuthController extends OAuthController {}
    Controller(routePrefix)(MountedOAuthController);
    controllers.push(MountedOAuthController);
  }
  const guards: Provider[] = globalGuards
    ? [{ provide: APP_GUARD, useClass: AccessTokenGuard }, { provide: APP_GUARD, useClass: RolesGuard }]
    : [];
  const exported = [
    optionsModule, AUTHKIT_REDIS, SessionStore, UserStore, PasswordHasher, LoginThrottler,
    TokenService, IdentityResolver, AuthService, AccessTokenGuard, RolesGuard, AuthExceptionFilter, ...oauthExports,
  ];
  return {
    module: definition.module,
    global: isGlobal,
    imports: [optionsModule, AuthkitRedisModule.register(optionsModule)],
    controllers,
    providers: [
      authkitRedisProvider, ...storeProviders, MaxmemoryPolicyCheck,
      TokenService, IdentityResolver, AuthService, AccessTokenGuard, RolesGuard, AuthkitJwtStrategy, AuthExceptionFilter, ...guards,
      ...oauthProviders,
    ],
    exports: exported,
  };
}

setAuthModuleAssembly(assemble);

/**
 * Authentication in one import.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     AuthModule.forRootAsync({
 *       imports: [ConfigModule],
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({
 *         jwt: { secret: config.getOrThrow('AUTH_JWT_SECRET') },
 *         redis: { url: config.get('REDIS_URL') },
 *       }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class AuthModule extends ConfigurableAuthModule implements OnModuleInit {
  private readonly logger = new Logger('AuthKit');

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTHKIT_REDIS) private readonly redis: Redis | null,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    if (this.redis) await this.awaitRedis(this.redis);
    if (!this.redis && !(this.options.sessionStore && this.options.userStore)) {
      this.logger.warn(
        'No Redis configured: sessions and users are kept IN MEMORY, lost on restart and not shared between instances. ' +
          'Set the "redis" option for production.',
      );
    }
  }

  /**
   * Gives Redis a moment to connect so the first requests do not fail, but never blocks start-up
   * for long: with Redis down the app starts and answers 503 until it appears.
   */
  private async awaitRedis(redis: Redis, timeoutMs = 2000): Promise<void> {
    if (redis.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    const ready = await Promise.race([
      new Promise<boolean>((resolve) => {
        onReady = () => resolve(true);
        redis.once('ready', onReady);
      }),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (onReady) redis.off('ready', onReady);
    if (!ready) this.logger.error(`Redis is not reachable yet (status ${redis.status}); requests that need it get 503 until it is.`);
  }
}

export type { AuthModuleOptions };
