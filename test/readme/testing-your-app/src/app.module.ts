import { Controller, Get, Module } from '@nestjs/common';
import { AuthModule, type AuthenticatedUser, CurrentUser, Public, Roles } from 'nestjs-authkit';
import { FAST_HASHING, TEST_SECRET } from '../../../support/test-app';

/** The quick start's routes (README "Quick start", step 3). */
@Controller()
export class AppController {
  @Public() @Get('health') health() { return { ok: true }; }
  @Get('profile') profile(@CurrentUser() user: AuthenticatedUser) { return user; }
  @Roles('admin') @Get('admin') admin() { return { admin: true }; }
}

/** The quick start's app module, on the test run's Redis (the example of README "Testing your app" imports it as an app would). */
@Module({
  imports: [AuthModule.forRoot({ jwt: { secret: TEST_SECRET }, redis: { url: process.env.REDIS_URL, keyPrefix: 'readme-testing' }, passwordHashing: FAST_HASHING })],
  controllers: [AppController],
})
export class AppModule {}
