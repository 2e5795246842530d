import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { AuthModuleOptions } from '../lib';

/** The public base URL of the sample: `AUTH_PUBLIC_URL`, else `http://HOST:PORT`. */
export function publicUrlFromEnv(config: ConfigService): string {
  const given = config.get<string>('AUTH_PUBLIC_URL');
  const base = given ?? `http://${config.get<string>('HOST') ?? '127.0.0.1'}:${config.get<string>('PORT') ?? '3000'}`;
  return base.replace(/\/+$/, '');
}

/**
 * The account lifecycle options of the sample from the environment: `SMTP_URL` (unset: mails are only logged
 * as sent, never with their link), `SMTP_FROM`, `AUTH_PUBLIC_URL` (base of the links in mails; the sample
 * serves the pages they open, /account/reset-password, /account/verify-email and /account/magic-link) and `AUTH_REQUIRE_VERIFIED_EMAIL`.
 */
export function accountOptionsFromEnv(config: ConfigService): Partial<AuthModuleOptions> {
  const smtpUrl = config.get<string>('SMTP_URL');
  if (!smtpUrl) new Logger('Sample').warn('SMTP_URL is not set: mails (password reset, email verification) are only logged as sent.');
  const base = publicUrlFromEnv(config);
  return {
    mail: { smtpUrl: smtpUrl || undefined, from: config.get<string>('SMTP_FROM') ?? 'nestjs-authkit sample <no-reply@localhost>' },
    passwordReset: { url: `${base}/account/reset-password` },
    emailVerification: { url: `${base}/account/verify-email` },
    magicLink: { url: `${base}/account/magic-link` },
    requireVerifiedEmail: /^(1|true|yes)$/i.test(config.get<string>('AUTH_REQUIRE_VERIFIED_EMAIL') ?? ''),
  };
}
