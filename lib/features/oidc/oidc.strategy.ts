import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { sign as signJwt } from 'jsonwebtoken';
import { OAuthCodeRejectedError, OAuthProviderUnavailableError } from '../../core/errors/provider.errors';
import type { OAuthAuthorizationStart, OAuthProfile, OAuthStrategy } from '../../core/sign-in/oauth-sources';
import { parseEmail } from '../../core/users/email';
import { OidcIdTokenInvalidError } from './oidc.errors';
import type { OidcDiscovery, OidcMetadata } from './oidc-discovery';
import { getJsonObject, isRecord, providerRequest } from './oidc-http';
import type { OidcKeys } from './oidc-keys';
import type { ResolvedOidcProvider } from './oidc.options';
import { type ProviderTokenCheck, verifyIdToken } from './oidc-token.verifier';

/** Called with the provider's session id (`sid`) of a verified sign-in, for back-channel logout. */
export type SidRecorder = (sub: string, sid: string) => Promise<void>;

/**
 * The sign-in's `nonce`, derived from its PKCE verifier (kept server-side with the state, single use, 256 bits):
 * HMAC-SHA256 keyed by the verifier. So the nonce is bound to this one authorization without a field of its own in
 * the state store, and reveals nothing of the verifier.
 */
export function nonceFor(codeVerifier: string): string {
  return createHmac('sha256', codeVerifier).update('nestjs-authkit oidc nonce').digest('base64url');
}

/**
 * One OpenID Connect provider as a sign-in source (the kernel's `OAuthStrategy`; the oauth feature serves its routes
 * with the state, binding cookie, identity rules, sign-in steps and redirects of every source). `authorize` sends
 * the browser to the discovered authorization endpoint with `state`, PKCE S256 and a `nonce`; `signIn` exchanges the
 * code (client_secret_basic or _post), verifies the id_token (`verifyIdToken`), reads userinfo when the id_token has
 * no email, and yields the profile: `sub` as the identity, the email verified only when the provider says
 * `email_verified: true` (an unverified email is never linked to an account).
 */
export class OidcStrategy implements OAuthStrategy {
  readonly name: string;
  private readonly logger = new Logger('AuthKit');

  constructor(
    readonly provider: ResolvedOidcProvider,
    readonly discovery: OidcDiscovery,
    readonly keys: OidcKeys,
    private readonly recordSid: SidRecorder = async () => undefined,
  ) {
    this.name = provider.name;
  }

  async authorize(state: string): Promise<OAuthAuthorizationStart> {
    const metadata = await this.discovery.metadata();
    const codeVerifier = randomBytes(32).toString('base64url');
    const url = new URL(metadata.authorizationEndpoint);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: this.provider.clientId,
      redirect_uri: this.provider.callbackUrl,
      scope: this.provider.scopes.join(' '),
      state,
      nonce: nonceFor(codeVerifier),
      code_challenge: createHash('sha256').update(codeVerifier, 'ascii').digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return { url: url.toString(), codeVerifier };
  }

  async signIn(code: string, codeVerifier: string): Promise<OAuthProfile> {
    const metadata = await this.discovery.metadata();
    const { idToken, accessToken } = await this.exchange(metadata, code, codeVerifier);
    let claims: Awaited<ReturnType<typeof verifyIdToken>>;
    try {
      claims = await verifyIdToken(idToken, { ...this.tokenCheck(), nonce: nonceFor(codeVerifier) });
    } catch (error) {
      // The reason, never the token.
      if (error instanceof OidcIdTokenInvalidError) this.logger.warn(`OIDC (${this.name}): id_token refused (${error.reason})`);
      throw error;
    }
    const sub = claims.sub as string;
    const mapping = this.provider.claims;
    let source: Record<string, unknown> = claims;
    if (claims[mapping.email] === undefined && metadata.userinfoEndpoint && accessToken) {
      source = await getJsonObject(metadata.userinfoEndpoint, this.provider.timeoutMs, { authorization: `Bearer ${accessToken}` });
      // OpenID Connect Core 5.3.2: the userinfo `sub` must be the id_token's, else the answer is not about this user.
      if (source.sub !== sub) throw new OidcIdTokenInvalidError('userinfo_subject');
    }
    if (typeof claims.sid === 'string' && claims.sid.length > 0 && claims.sid.length <= 255) await this.recordSid(sub, claims.sid);
    const email = parseEmail(source[mapping.email]);
    const name = source[mapping.name] ?? claims[mapping.name];
    return {
      provider: this.name,
      providerUserId: sub,
      email,
      // Only the provider's own `true`, from the same answer as the email.
      emailVerified: email !== null && source[mapping.emailVerified] === true,
      displayName: typeof name === 'string' && name.length > 0 ? name.slice(0, 200) : undefined,
    };
  }

  /**
   * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the provider's `end_session_endpoint` with this
   * client's id (and `post_logout_redirect_uri`, which must be registered at the provider); null when the provider
   * offers none. The app redirects the browser there after its own logout.
   */
  async endSessionUrl(postLogoutRedirectUri?: string): Promise<string | null> {
    const { endSessionEndpoint } = await this.discovery.metadata();
    if (!endSessionEndpoint) return null;
    const url = new URL(endSessionEndpoint);
    url.searchParams.set('client_id', this.provider.clientId);
    if (postLogoutRedirectUri !== undefined) url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    return url.toString();
  }

  /** What this provider's tokens (id_token, logout token) are checked against. */
  tokenCheck(): ProviderTokenCheck {
    const { issuer, clientId, allowedAlgorithms, clockToleranceSeconds } = this.provider;
    return { keys: this.keys, issuer, clientId, algorithms: allowedAlgorithms, clockToleranceSeconds };
  }

  private async exchange(metadata: OidcMetadata, code: string, codeVerifier: string): Promise<{ idToken: unknown; accessToken?: string }> {
    const { clientId, clientSecret, callbackUrl, timeoutMs } = this.provider;
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callbackUrl, code_verifier: codeVerifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const method = this.authMethod(metadata);
    if (method === 'private_key_jwt') {
      body.set('client_id', clientId);
      body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      body.set('client_assertion', this.clientAssertion());
    } else if (method === 'client_secret_basic') {
      // RFC 6749 2.3.1: each part form-urlencoded before the Basic encoding.
      const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret as string)}`).toString('base64')}`;
    } else {
      body.set('client_id', clientId);
      body.set('client_secret', clientSecret as string);
    }
    const { status, json } = await providerRequest(metadata.tokenEndpoint, timeoutMs, { method: 'POST', headers, body: body.toString() });
    if (status >= 500) throw new OAuthProviderUnavailableError();
    if (status >= 400) throw json !== undefined ? new OAuthCodeRejectedError() : new OAuthProviderUnavailableError();
    if (!isRecord(json) || typeof json.id_token !== 'string') throw new OAuthProviderUnavailableError();
    if (typeof json.token_type === 'string' && json.token_type.toLowerCase() !== 'bearer') throw new OAuthProviderUnavailableError();
    const accessToken = typeof json.access_token === 'string' && json.access_token.length <= 8192 ? json.access_token : undefined;
    return { idToken: json.id_token, accessToken };
  }

  /**
   * The `private_key_jwt` assertion: `iss` = `sub` = the client, `aud` = the issuer (not the token endpoint: an
   * assertion for one audience cannot be replayed at another endpoint of the same provider), 60 s, a fresh `jti`.
   */
  private clientAssertion(): string {
    const { clientId, issuer, privateKeyJwt } = this.provider;
    const { key, keyId, algorithm } = privateKeyJwt as NonNullable<ResolvedOidcProvider['privateKeyJwt']>;
    return signJwt({ jti: randomBytes(16).toString('base64url') }, key, {
      algorithm, issuer: clientId, subject: clientId, audience: issuer, expiresIn: 60, ...(keyId ? { keyid: keyId } : {}),
    });
  }

  private authMethod(metadata: OidcMetadata): 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' {
    if (this.provider.tokenEndpointAuthMethod) return this.provider.tokenEndpointAuthMethod;
    const supported = metadata.tokenEndpointAuthMethods;
    return supported.length === 0 || supported.includes('client_secret_basic') || !supported.includes('client_secret_post')
      ? 'client_secret_basic'
      : 'client_secret_post';
  }
}
