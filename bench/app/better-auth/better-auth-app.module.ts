import { Module } from '@nestjs/common';
import { AuthModule } from '@thallesp/nestjs-better-auth';
import { BetterAuthBenchController } from './better-auth-bench.controller';
import { BetterAuthFixturesController } from './better-auth-fixtures.controller';
import { createBenchAuth } from './better-auth.instance';

/**
 * The Better Auth side of the comparison: `@thallesp/nestjs-better-auth`'s `AuthModule` as its README sets it
 * up (its global `AuthGuard`, Better Auth's handler on `/api/auth/*`, body parsing skipped there and re-added
 * elsewhere; main.ts turns Nest's own body parser off), with the instance of better-auth.instance.ts.
 */
@Module({
  imports: [AuthModule.forRootAsync({ useFactory: async () => ({ auth: await createBenchAuth() }) })],
  controllers: [BetterAuthBenchController, BetterAuthFixturesController],
})
export class BetterAuthAppModule {}
