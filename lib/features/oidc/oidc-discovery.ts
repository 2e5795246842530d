import { OAuthProviderUnavailableError } from '../../core/errors/provider.errors';
import { getJsonObject } from './oidc-http';
import { isLoopback, type ResolvedOidcProvider } from './oidc.options';

/** What the library reads of a provider's `/.well-known/openid-configuration`. */
export interface OidcMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  userinfoEndpoint?: string;
  endSessionEndpoint?: string;
  tokenEndpointAuthMethods: string[];
}

/** Clock of the caches (epoch ms); a test passes its own. */
export type Now = () => number;

/**
 * A provider's discovery document, fetched on first use and cached for `discoveryTtlMs`. The issuer in the document
 * must equal the configured one exactly (OpenID Connect Discovery 1.0, section 4.3), and every endpoint must be
 * https (http only on loopback, with a loopback issuer). A failure answers `OAuthProviderUnavailableError` (503); a stale
 * document is kept while a refresh fails; after a failure with nothing cached, no new attempt is made for
 * `discoveryRetryMs` (each sign-in answers 503 at once meanwhile), then the next sign-in tries again.
 */
export class OidcDiscovery {
  private cached: { metadata: OidcMetadata; fetchedAt: number } | null = null;
  private failedAt: number | null = null;
  private inFlight: Promise<OidcMetadata> | null = null;

  constructor(private readonly provider: ResolvedOidcProvider, private readonly now: Now = Date.now) {}

  async metadata(): Promise<OidcMetadata> {
    const now = this.now();
    const cached = this.cached;
    if (cached && now - cached.fetchedAt < this.provider.discoveryTtlMs) return cached.metadata;
    const backingOff = this.failedAt !== null && now - this.failedAt < this.provider.discoveryRetryMs;
    if (backingOff) {
      if (cached) return cached.metadata;
      throw new OAuthProviderUnavailableError();
    }
    this.inFlight ??= this.fetch().finally(() => (this.inFlight = null));
    try {
      return await this.inFlight;
    } catch (error) {
      if (cached) return cached.metadata;
      throw error;
    }
  }

  private async fetch(): Promise<OidcMetadata> {
    const { issuer, timeoutMs } = this.provider;
    try {
      const json = await getJsonObject(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, timeoutMs);
      const metadata = this.parse(json);
      this.cached = { metadata, fetchedAt: this.now() };
      this.failedAt = null;
      return metadata;
    } catch (error) {
      this.failedAt = this.now();
      throw error instanceof OAuthProviderUnavailableError ? error : new OAuthProviderUnavailableError({ cause: error });
    }
  }

  private parse(json: Record<string, unknown>): OidcMetadata {
    const { issuer } = this.provider;
    if (json.issuer !== issuer) throw new Error(`the discovery document's issuer is not ${issuer}`);
    const endpoint = (key: string, required: boolean): string | undefined => {
      const value = json[key];
      if (value === undefined && !required) return undefined;
      let url: URL;
      try {
        url = new URL(value as string);
      } catch {
        throw new Error(`discovery: ${key} is not a URL`);
      }
      const loopback = url.protocol === 'http:' && isLoopback(issuer) && isLoopback(url.toString());
      if (url.protocol !== 'https:' && !loopback) throw new Error(`discovery: ${key} is not https`);
      return url.toString();
    };
    const methods = json.token_endpoint_auth_methods_supported;
    return {
      issuer,
      authorizationEndpoint: endpoint('authorization_endpoint', true) as string,
      tokenEndpoint: endpoint('token_endpoint', true) as string,
      jwksUri: endpoint('jwks_uri', true) as string,
      userinfoEndpoint: endpoint('userinfo_endpoint', false),
      endSessionEndpoint: endpoint('end_session_endpoint', false),
      tokenEndpointAuthMethods: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : [],
    };
  }
}
