import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { OidcOptions } from '../lib';

/**
 * One OpenID Connect provider from the environment (DESIGN section 8): enabled when `OIDC_ISSUER`, `OIDC_CLIENT_ID`
 * and `OIDC_CLIENT_SECRET` are all set; `OIDC_NAME` (default `oidc`) names its routes (`/auth/<name>`),
 * `OIDC_CALLBACK_URL` defaults to this sample's own `/auth/<name>/callback`.
 */
export function oidcOptionsFromEnv(config: ConfigService): OidcOptions | undefined {
  const get = (name: string) => config.get<string>(name) || undefined;
  const issuer = get('OIDC_ISSUER');
  const clientId = get('OIDC_CLIENT_ID');
  const clientSecret = get('OIDC_CLIENT_SECRET');
  if (!issuer || !clientId || !clientSecret) {
    if (issuer || clientId || clientSecret) {
      new Logger('Sample').warn('OpenID Connect sign-in needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET; it is disabled.');
    }
    return undefined;
  }
  const name = get('OIDC_NAME') ?? 'oidc';
  const base = `http://${get('HOST') ?? '127.0.0.1'}:${get('PORT') ?? '3000'}`;
  new Logger('Sample').log(`OpenID Connect sign-in enabled: ${name}`);
  return { [name]: { issuer, clientId, clientSecret, callbackUrl: get('OIDC_CALLBACK_URL') ?? `${base}/auth/${name}/callback` } };
}
