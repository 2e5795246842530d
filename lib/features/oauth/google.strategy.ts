import { OAuth2Client, type AuthorizationRequest, isRecord } from './oauth2-client';
import { providerEmail, providerText } from './oauth-email';
import type { OAuthProfile } from './oauth-profile';
import type { OAuthAuthorizationStart, OAuthStrategy } from './oauth-strategy.interface';
import { pkceChallenge, randomToken } from './pkce';
import { OAuthProviderUnavailableError } from './oauth.errors';
import type { ResolvedOAuthProvider } from './oauth.options';

/**
 * Google sign-in: authorization code + PKCE, then the OpenID Connect userinfo endpoint
 * (`{ sub, email, email_verified, name }`). The identity key is `sub`; the email counts as verified
 * only when `email_verified === true`.
 */
export class GoogleOAuthStrategy implements OAuthStrategy {
  readonly name = 'google' as const;
  private readonly client: OAuth2Client;

  constructor(private readonly provider: ResolvedOAuthProvider, timeoutMs: number) {
    this.client = new OAuth2Client(provider, timeoutMs);
  }

  authorizationUrl(request: AuthorizationRequest): string {
    return this.client.authorizationUrl(request);
  }

  async authorize(state: string): Promise<OAuthAuthorizationStart> {
    const codeVerifier = randomToken();
    return { url: this.authorizationUrl({ state, codeChallenge: pkceChallenge(codeVerifier) }), codeVerifier };
  }

  async signIn(code: string, codeVerifier: string): Promise<OAuthProfile> {
    return this.fetchProfile(await this.exchangeCode(code, codeVerifier));
  }

  exchangeCode(code: string, codeVerifier: string): Promise<string> {
    return this.client.exchangeCode(code, codeVerifier);
  }

  async fetchProfile(accessToken: string): Promise<OAuthProfile> {
    const info = await this.client.getJson(this.provider.profileUrl, accessToken);
    if (!isRecord(info) || typeof info.sub !== 'string' || info.sub.length === 0 || info.sub.length > 255) {
      throw new OAuthProviderUnavailableError();
    }
    const email = providerEmail(info.email);
    return {
      provider: 'google',
      providerUserId: info.sub,
      email,
      emailVerified: email !== null && info.email_verified === true,
      displayName: providerText(info.name),
    };
  }
}
