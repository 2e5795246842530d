import { type DynamicModule, Inject, Logger, type MiddlewareConsumer, Module, type NestModule, type OnModuleInit } from '@nestjs/common';
import type { RedisClient } from './adapters/redis/redis.options';
import { AUTHKIT_REDIS, RESOLVED_AUTH_OPTIONS } from './core/auth.constants';
import { AUTH_ASYNC_OPTIONS_TYPE, AUTH_OPTIONS_TYPE, ConfigurableAuthModule } from './auth.module-definition';
import { failOption } from './core/options/options.validation';
import { requestBudgetMiddleware } from './core/http/request-budget';
import type { AuthModuleExtras } from './auth.module-extras';
import type { AuthModuleOptions, ResolvedAuthOptions } from './auth.options';

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
export class AuthModule extends ConfigurableAuthModule implements OnModuleInit, NestModule {
  private readonly logger = new Logger('AuthKit');

  /**
   * The options themselves. A `__proto__` key (from `JSON.parse`) is refused here, before Nest copies the options
   * key by key: the copy would make it the options' prototype, out of sight of the unknown-key check.
   */
  static override forRoot(options: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    if (typeof options === 'object' && options !== null && Object.hasOwn(options, '__proto__')) {
      failOption('__proto__', 'is not an option of nestjs-authkit (a typo?)');
    }
    return super.forRoot(options);
  }

  /**
   * The options from a factory (`useFactory`, sync or async, with `inject` and `imports`), a class (`useClass`)
   * or an existing provider (`useExisting`). One signature, typed so that `tsc` refuses an unknown key in the object
   * a factory returns and names it: `Type 'number' is not assignable to type '"'accessTokenTtl' is not an option
   * of nestjs-authkit (a typo?)"'` (Nest's own `T | Promise<T>` return type would let it through).
   */
  static override forRootAsync<O extends AuthModuleOptions>(options: AuthAsyncModuleOptions<O>): DynamicModule {
    return super.forRootAsync(options as typeof AUTH_ASYNC_OPTIONS_TYPE);
  }

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTHKIT_REDIS) private readonly redis: RedisClient | null,
  ) {
    super();
  }

  /** With `redis.requestBudgetMs`, every request gets that store budget: a slow Redis is a 503 within about that long. */
  configure(consumer: MiddlewareConsumer): void {
    const budgetMs = this.options.redis.requestBudgetMs;
    if (budgetMs !== undefined) consumer.apply(requestBudgetMiddleware(budgetMs)).forRoutes('*');
  }

  async onModuleInit(): Promise<void> {
    if (this.redis) await this.awaitRedis(this.redis);
    if (!this.redis && !(this.options.adapters.sessionStore && this.options.adapters.userStore)) {
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
  private async awaitRedis(redis: RedisClient, timeoutMs = 2000): Promise<void> {
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

/** `forRootAsync` options without a factory (`useClass`, `useExisting`), plus the module-shape extras. */
export type AuthAsyncOptions = Omit<typeof AUTH_ASYNC_OPTIONS_TYPE, 'useFactory'> & AuthModuleExtras;

/**
 * The options `O` a factory returns, each key that is not an option replaced by a sentence no value matches, so a
 * typo does not compile and `tsc` names it. A mapped type, not an intersection: `O & { typo: '...' }` would
 * reduce to `never` and the message would say so instead.
 */
export type NoUnknownOptions<O> = {
  [K in keyof O]: K extends keyof AuthModuleOptions ? O[K] : `'${K & string}' is not an option of nestjs-authkit (a typo?)`;
};

/** `forRootAsync` options: a factory returning the options (or a promise of them) without unknown keys, a class or an existing provider. */
export type AuthAsyncModuleOptions<O extends AuthModuleOptions = AuthModuleOptions> = AuthAsyncOptions & {
  // The factory's parameters are the `inject` tokens' values, which the app types itself.
  useFactory?: (...args: never[]) => NoUnknownOptions<O> | Promise<NoUnknownOptions<O>>;
};
