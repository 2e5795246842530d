import type { Provider } from '@nestjs/common';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import { type AuthFeature, openApiDocs } from '../../core/feature/auth-feature';
import { COOKIE_OPTIONS, type ResolvedCookieOptions } from '../../core/http/cookie.options';
import { documentMfaRoutes } from './mfa.openapi';
import { type RedisClient, REDIS_OPTIONS, type ResolvedRedisOptions } from '../../adapters/redis/redis.options';
import { MfaAdminController, MfaController } from './mfa.controller';
import { MFA_MAIL_TEMPLATES } from './mfa.mail-templates';
import { MFA_OPTIONS, type ResolvedMfaOptions } from './mfa.options';
import { MfaChallengeStep } from './mfa-challenge.step';
import { MfaEnrolmentContext, MfaEnrolmentService } from './mfa-enrolment.service';
import { MfaNoticeMailer } from './mfa-notice.mailer';
import { MfaSecretCipher } from './mfa-secret.cipher';
import { MfaSignInService } from './mfa-sign-in.service';
import { MfaChallengeStore, MfaFactorStore } from './mfa-store.interface';
import { MfaVerifier } from './mfa-verifier';
import { MfaSecondFactors } from './mfa-second-factors';
import { MemoryMfaChallengeStore, MemoryMfaFactorStore } from './memory-mfa.stores';
import { RedisMfaChallengeStore, RedisMfaFactorStore } from './redis-mfa.stores';

const stores: Provider[] = [
  {
    provide: MfaFactorStore,
    inject: [MFA_OPTIONS, REDIS_OPTIONS, AUTHKIT_REDIS],
    // The app's own (`mfa.factorStore`: next to its users, e.g. in SQL), else Redis, else memory.
    useFactory: (options: ResolvedMfaOptions, redis: ResolvedRedisOptions, client: RedisClient | null): MfaFactorStore =>
      options.factorStore ?? (client ? new RedisMfaFactorStore(client, redis.keyPrefix) : new MemoryMfaFactorStore()),
  },
  {
    provide: MfaChallengeStore,
    inject: [REDIS_OPTIONS, AUTHKIT_REDIS],
    useFactory: (redis: ResolvedRedisOptions, client: RedisClient | null): MfaChallengeStore =>
      client ? new RedisMfaChallengeStore(client, redis.keyPrefix) : new MemoryMfaChallengeStore(),
  },
  {
    provide: MfaSecretCipher,
    inject: [MFA_OPTIONS],
    // Without the `mfa` option no secret is ever encrypted: a throwaway key keeps the provider constructible.
    useFactory: (options: ResolvedMfaOptions) => new MfaSecretCipher(options.enabled ? options.encryptionKeys : [{ id: 'off', key: Buffer.alloc(32) }]),
  },
];

const services: Provider[] = [
  // MfaSecondFactors registers TOTP and recovery codes in the kernel's SecondFactorRegistry (step-up with a code,
  // `@RequireRecentAuth({ secondFactor })`, securing an account).
  MfaVerifier, MfaNoticeMailer, MfaEnrolmentContext, MfaEnrolmentService, MfaSignInService, MfaSecondFactors,
];

/**
 * Two-factor sign-in (`mfa` option; its routes answer 404 without it): TOTP with recovery codes, a sign-in step
 * that suspends the sign-in of a user with a factor until `POST /auth/mfa/verify`, enrolment and management routes,
 * the admin reset (with the `adminRoutes` extra).
 */
export const mfaFeature: AuthFeature = {
  name: 'mfa',
  mailTemplates: MFA_MAIL_TEMPLATES,
  build: (context) => {
    const parts = { providers: [...stores, ...services], exports: [MfaFactorStore, MfaChallengeStore, MfaEnrolmentService, MfaSignInService], signInSteps: [MfaChallengeStep] };
    if (!context.controllers) return parts;
    const mfa = context.mount(MfaController);
    const admin = context.adminRoutes ? context.mount(MfaAdminController) : undefined;
    const docs = openApiDocs('mfa', [MFA_OPTIONS, COOKIE_OPTIONS], (options: ResolvedMfaOptions, cookie: ResolvedCookieOptions) =>
      documentMfaRoutes({ mfa, admin }, options, cookie));
    return { ...parts, providers: [...parts.providers, docs], controllers: admin ? [mfa, admin] : [mfa] };
  },
};
