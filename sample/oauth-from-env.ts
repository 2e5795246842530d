import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { GitHubOAuthOptions, GoogleOAuthOptions, OAuthOptions } from '../lib';

/**
 * OAuth options from the environment (DESIGN section 8): a provider is enabled when its client id and
 * secret are both set. Callback URLs default to this sample's own address, the redirects to its page (`/app`).
 * `otherSources` (an OpenID Connect provider is configured): the redirects apply to it too, even without Google or GitHub.
 */
export function oauthOptionsFromEnv(config: ConfigService, otherSources = false): OAuthOptions | undefined {
  const logger = new Logger('Sample');
  const base = `http://${config.get<string>('HOST') ?? '127.0.0.1'}:${config.get<string>('PORT') ?? '3000'}`;
  const get = (name: string) => config.get<string>(name) || undefined;
  let google: GoogleOAuthOptions | undefined;
  let github: GitHubOAuthOptions | undefined;
  const googleId = get('GOOGLE_CLIENT_ID');
  const googleSecret = get('GOOGLE_CLIENT_SECRET');
  if (googleId && googleSecret) {
    google = {
      clientId: googleId,
      clientSecret: googleSecret,
      callbackUrl: get('GOOGLE_CALLBACK_URL') ?? `${base}/auth/google/callback`,
      authorizationUrl: get('GOOGLE_AUTHORIZATION_URL'),
      tokenUrl: get('GOOGLE_TOKEN_URL'),
      userInfoUrl: get('GOOGLE_USERINFO_URL'),
    };
  } else if (googleId || googleSecret) {
    logger.warn('Google sign-in needs both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET; it is disabled.');
  }
  const githubId = get('GITHUB_CLIENT_ID');
  const githubSecret = get('GITHUB_CLIENT_SECRET');
  if (githubId && githubSecret) {
    github = {
      clientId: githubId,
      clientSecret: githubSecret,
      callbackUrl: get('GITHUB_CALLBACK_URL') ?? `${base}/auth/github/callback`,
      authorizationUrl: get('GITHUB_AUTHORIZATION_URL'),
      tokenUrl: get('GITHUB_TOKEN_URL'),
      apiUrl: get('GITHUB_API_URL'),
    };
  } else if (githubId || githubSecret) {
    logger.warn('GitHub sign-in needs both GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET; it is disabled.');
  }
  if (!google && !github && !otherSources) return undefined;
  if (google || github) logger.log(`OAuth sign-in enabled: ${[google && 'google', github && 'github'].filter(Boolean).join(', ')}`);
  return {
    google,
    github,
    // Back to the sample page either way: it refreshes (the cookie is set) or shows `?error=<code>`.
    successRedirect: get('AUTH_OAUTH_SUCCESS_REDIRECT') ?? '/app',
    failureRedirect: get('AUTH_OAUTH_FAILURE_REDIRECT') ?? '/app',
  };
}
