import { ConfigModule, ConfigService } from '@nestjs/config';
import { AuthModule } from '../../lib';

const secret = 'test-secret-that-is-at-least-32-bytes-long!';

// A compile test (`tsc --noEmit` and ts-jest type-check it): each `@ts-expect-error` below must be an error, so a
// typo'd option in an object literal stops the build before it can be ignored at run time. What tsc says:
// options-typing-messages.spec.ts.
export const typoInForRoot = () =>
  AuthModule.forRoot({
    jwt: { secret },
    // @ts-expect-error `accessTokenTtl` is not an option (accessTokenTtlSeconds is).
    accessTokenTtl: 60,
  });

export const typoInUseFactory = () =>
  AuthModule.forRootAsync({
    imports: [ConfigModule],
    inject: [ConfigService],
    // @ts-expect-error `accessTokenTtl` (below) is not an option: tsc reports the factory.
    useFactory: (config: ConfigService) => ({
      jwt: { secret: config.getOrThrow<string>('AUTH_JWT_SECRET') },
      accessTokenTtl: 60,
    }),
  });

export const typoInAsyncUseFactory = () =>
  AuthModule.forRootAsync({
    // @ts-expect-error an async factory: `accessTokenTtl` (below) is not an option.
    useFactory: async () => ({
      jwt: { secret },
      accessTokenTtl: 60,
    }),
  });

// What must keep compiling: sync and async factories with inject, literal unions, useClass.
export const valid = () => [
  AuthModule.forRootAsync({
    imports: [ConfigModule],
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({
      jwt: { secret: config.getOrThrow<string>('AUTH_JWT_SECRET') },
      accessTokenValidation: process.env.MODE === 'stateless' ? 'stateless' : 'session',
      refreshTokenTransport: 'both',
    }),
  }),
  AuthModule.forRootAsync({ useFactory: async () => ({ jwt: { secret }, cookie: { name: 'rt' } }), isGlobal: false }),
  AuthModule.forRootAsync({ useClass: class { create() { return { jwt: { secret } }; } } }),
];

describe('options typing', () => {
  it('is checked by tsc (see the @ts-expect-error lines above)', () => {
    expect([typoInForRoot, typoInUseFactory, typoInAsyncUseFactory, valid].every((f) => typeof f === 'function')).toBe(true);
  });
});
