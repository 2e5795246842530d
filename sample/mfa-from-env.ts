import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { MfaOptions } from '../lib';

/**
 * Two-factor sign-in for the sample: `AUTH_MFA_ENCRYPTION_KEY` (32 bytes, base64 or hex) encrypts the TOTP secrets;
 * unset, a key is derived from the JWT secret (with a warning: a real app keeps the two apart, so that rotating one
 * does not lose the other).
 */
export function mfaOptionsFromEnv(config: ConfigService, jwtSecret: string): MfaOptions {
  let key = config.get<string>('AUTH_MFA_ENCRYPTION_KEY');
  if (!key) {
    new Logger('Sample').warn('AUTH_MFA_ENCRYPTION_KEY is not set: the TOTP secrets are encrypted under a key derived from the JWT secret.');
    key = createHash('sha256').update(`nestjs-authkit sample mfa key:${jwtSecret}`).digest('base64');
  }
  return { encryptionKeys: [{ id: 'sample', key }], issuer: 'nestjs-authkit sample' };
}
