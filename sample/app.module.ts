import { randomBytes } from 'node:crypto';
import { Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AuthModule, type AuthModuleOptions } from '../lib';
import { accountOptionsFromEnv, publicUrlFromEnv } from './account-from-env';
import { AccountPagesController } from './account-pages.controller';
import { AdminSeeder } from './admin-seeder';
import { AuditLog } from './audit-log';
import { AppController } from './app.controller';
import { mfaOptionsFromEnv } from './mfa-from-env';
import { oauthOptionsFromEnv } from './oauth-from-env';
import { oidcOptionsFromEnv } from './oidc-from-env';
import { passkeyOptionsFromEnv } from './passkeys-from-env';
import { redisOptionsFromEnv } from './redis-from-env';
import { SamplePageController } from './sample-page.controller';

/** `AUTH_ALLOWED_ORIGINS` (comma-separated): the CSRF allow-list and the CORS origins (see bootstrap.ts). */
export function allowedOriginsFromEnv(config: ConfigService): string[] {
  const origins = config.get<string>('AUTH_ALLOWED_ORIGINS');
  return origins ? origins.split(',').map((o) => o.trim()).filter(Boolean) : [];
}

/** Builds the library options from the environment (DESIGN section 8). */
export function authOptionsFromEnv(config: ConfigService): AuthModuleOptions {
  const logger = new Logger('Sample');
  let secret = config.get<string>('AUTH_JWT_SECRET');
  if (!secret) {
    secret = randomBytes(32).toString('base64url');
    logger.warn('AUTH_JWT_SECRET is not set: using a random secret; tokens will not survive a restart.');
  }
  const redis = redisOptionsFromEnv(config);
  const oidc = oidcOptionsFromEnv(config);
  if (!redis) logger.warn('None of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES is set: the sample runs on IN-MEMORY stores.');
  return {
    jwt: { secret },
    redis,
    roleHierarchy: { admin: ['user'] },
    // The refresh token stays in the HttpOnly cookie, out of reach of page scripts.
    refreshTokenTransport: (config.get<string>('AUTH_REFRESH_TRANSPORT') as AuthModuleOptions['refreshTokenTransport']) ?? 'cookie',
    allowedOrigins: allowedOriginsFromEnv(config),
    oauth: oauthOptionsFromEnv(config, oidc !== undefined),
    oidc,
    mfa: mfaOptionsFromEnv(config, secret),
    // Organizations (GET /org, GET /org/admin below). The mailed invitation links open the sample page, whose token
    // goes to POST /auth/orgs/invitations/accept.
    organizations: { invitationUrl: `${publicUrlFromEnv(config)}/app` },
    passkeys: passkeyOptionsFromEnv(config),
    // API keys: GET /profile accepts any key, GET /admin a key with the scope `admin` (still @Roles('admin') on its owner).
    apiKeys: { scopes: ['admin'] },
    ...accountOptionsFromEnv(config),
  };
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    // The library's events (login failed, refresh token reused, password reset...) reach AuditLog.
    EventEmitterModule.forRoot(),
    AuthModule.forRootAsync({
      inject: [ConfigService],
      useFactory: authOptionsFromEnv,
      // The admin routes under /auth/admin, for the seeded admin (SAMPLE_ADMIN_EMAIL).
      adminRoutes: true,
    }),
  ],
  controllers: [AppController, SamplePageController, AccountPagesController],
  providers: [AdminSeeder, AuditLog],
})
export class AppModule {}
