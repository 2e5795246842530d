import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AuthModule } from '../../lib';
import { AuthkitJwtStrategy } from '../../lib/passport';
import { BenchController } from './bench.controller';
import { JwtStrategy } from './docs-recipe/jwt.strategy';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bench app: ${name} is not set`);
  return value;
}

/**
 * The benchmark app: the library configured as a user would (`AuthModule.forRootAsync`, global guards,
 * the auth controller, Redis by URL), plus the docs recipe's passport-jwt strategy for the reference row
 * (its tokens are signed by @nestjs/jwt's `JwtService` with the recipe's string secret, in the bench runner).
 * `BENCH_MODE` picks `accessTokenValidation` ('session' by default, or 'stateless').
 */
@Module({
  imports: [
    AuthModule.forRootAsync({
      useFactory: () => ({
        jwt: { secret: required('BENCH_JWT_SECRET') },
        redis: { url: required('REDIS_URL') },
        accessTokenValidation: process.env.BENCH_MODE === 'stateless' ? 'stateless' : 'session',
        refreshTokenTransport: 'both',
      }),
    }),
    PassportModule,
  ],
  controllers: [BenchController],
  providers: [JwtStrategy, AuthkitJwtStrategy],
})
export class BenchAppModule {}
