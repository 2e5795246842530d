import { OAuthCodeRejectedError, OAuthProviderUnavailableError } from './oauth.errors';
import type { ResolvedOAuthProvider } from './oauth.options';

/** Largest provider response read (token, profile); anything bigger is refused. */
const MAX_RESPONSE_BYTES = 256 * 1024;
const USER_AGENT = 'nestjs-authkit';

/** Parameters of one authorization request. */
export interface AuthorizationRequest {
  state: string;
  codeChallenge: string;
}

/**
 * The authorization-code grant with PKCE (RFC 6749 section 4.1, RFC 7636) against one provider,
 * with plain `fetch`: builds the authorization URL, exchanges a code, reads JSON resources.
 * Redirects are never followed (a bearer token must not travel to another host) and every request
 * has a timeout. Failures are `OAuthCodeRejectedError` (the provider said no) or
 * `OAuthProviderUnavailableError` (network, timeout, 5xx, unusable answer); response bodies are
 * never logged or put into errors.
 */
export class OAuth2Client {
  constructor(readonly provider: ResolvedOAuthProvider, private readonly timeoutMs: number) {}

  /** The URL the browser is sent to. */
  authorizationUrl(request: AuthorizationRequest, extra: Record<string, string> = {}): string {
    const url = new URL(this.provider.authorizationUrl);
    const params: Record<string, string> = {
      ...extra,
      response_type: 'code',
      client_id: this.provider.clientId,
      redirect_uri: this.provider.callbackUrl,
      scope: this.provider.scope.join(' '),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  }

  /**
   * Exchanges an authorization code (client authentication `client_secret_post`, with the PKCE
   * verifier). Handles GitHub's habit of answering refusals with 200 `{ error }`.
   */
  async exchangeCode(code: string, codeVerifier: string): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.provider.callbackUrl,
      client_id: this.provider.clientId,
      client_secret: this.provider.clientSecret,
      code_verifier: codeVerifier,
    });
    const response = await this.send(this.provider.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    });
    if (response.status >= 500) throw new OAuthProviderUnavailableError();
    const json = parseJson(response.text);
    if (response.status >= 400) {
      if (json !== undefined) throw new OAuthCodeRejectedError();
      throw new OAuthProviderUnavailableError();
    }
    if (!isRecord(json)) throw new OAuthProviderUnavailableError();
    if (typeof json.error === 'string') throw new OAuthCodeRejectedError();
    const token = json.access_token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw new OAuthProviderUnavailableError();
    if (typeof json.token_type === 'string' && json.token_type.toLowerCase() !== 'bearer') throw new OAuthProviderUnavailableError();
    return token;
  }

  /** GET a JSON resource with the access token. Any non-2xx or non-JSON answer is `OAuthProviderUnavailableError`. */
  async getJson(url: string, accessToken: string, headers: Record<string, string> = {}): Promise<unknown> {
    const response = await this.send(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...headers, authorization: `Bearer ${accessToken}` },
    });
    if (response.status < 200 || response.status >= 300) throw new OAuthProviderUnavailableError();
    const json = parseJson(response.text);
    if (json === undefined) throw new OAuthProviderUnavailableError();
    return json;
  }

  private async send(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(url, {
        method: init.method,
        headers: { 'user-agent': USER_AGENT, ...init.headers },
        body: init.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const length = Number(response.headers.get('content-length') ?? '0');
      if (length > MAX_RESPONSE_BYTES) {
        await response.body?.cancel();
        throw new Error('response too large');
      }
      const text = await response.text();
      if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) throw new Error('response too large');
      return { status: response.status, text };
    } catch (cause) {
      throw new OAuthProviderUnavailableError({ cause });
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** A plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
