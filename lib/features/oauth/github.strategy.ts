import { OAuth2Client, type AuthorizationRequest, isRecord } from './oauth2-client';
import { providerEmail, providerText } from './oauth-email';
import type { OAuthProfile } from './oauth-profile';
import type { OAuthAuthorizationStart, OAuthStrategy } from './oauth-strategy.interface';
import { pkceChallenge, randomToken } from './pkce';
import { OAuthProviderUnavailableError } from './oauth.errors';
import type { ResolvedOAuthProvider } from './oauth.options';

const API_HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };

/**
 * GitHub (and GitHub Enterprise Server) sign-in: authorization code + PKCE, then `GET /user`
 * (`{ id, login, name }`) and `GET /user/emails` (`[{ email, primary, verified }]`). The identity key
 * is the numeric `id` (a login can be renamed and reused). The email is the PRIMARY entry of
 * `/user/emails`, verified only when that entry says `verified: true`; the public `email` of `/user`
 * is never used.
 */
export class GitHubOAuthStrategy implements OAuthStrategy {
  readonly name = 'github' as const;
  private readonly client: OAuth2Client;

  constructor(private readonly provider: ResolvedOAuthProvider, timeoutMs: number) {
    this.client = new OAuth2Client(provider, timeoutMs);
  }

  authorizationUrl(request: AuthorizationRequest): string {
    return this.client.authorizationUrl(request, { allow_signup: 'true' });
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
    const user = await this.client.getJson(`${this.provider.profileUrl}/user`, accessToken, API_HEADERS);
    if (!isRecord(user) || typeof user.id !== 'number' || !Number.isSafeInteger(user.id) || user.id <= 0) {
      throw new OAuthProviderUnavailableError();
    }
    const profile: OAuthProfile = {
      provider: 'github',
      providerUserId: String(user.id),
      email: null,
      emailVerified: false,
      displayName: providerText(user.name),
      username: providerText(user.login, 100),
    };
    if (!this.canReadEmails()) return profile;
    const emails = await this.client.getJson(`${this.provider.profileUrl}/user/emails`, accessToken, API_HEADERS);
    if (!Array.isArray(emails)) throw new OAuthProviderUnavailableError();
    const primary = emails.find((entry): entry is Record<string, unknown> => isRecord(entry) && entry.primary === true);
    const email = primary ? providerEmail(primary.email) : null;
    return { ...profile, email, emailVerified: email !== null && primary?.verified === true };
  }

  /** `/user/emails` needs the `user:email` (or `user`) scope. */
  private canReadEmails(): boolean {
    return this.provider.scope.some((scope) => scope === 'user:email' || scope === 'user');
  }
}
