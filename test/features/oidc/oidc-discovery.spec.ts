import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuthProviderUnavailableError } from '../../../lib/core/errors/provider.errors';
import { OidcDiscovery } from '../../../lib/features/oidc/oidc-discovery';
import { resolveOidcOptions } from '../../../lib/features/oidc/oidc.options';

/** A real HTTP server playing the provider's discovery endpoint; `answer` decides each response. */
describe('OidcDiscovery (real HTTP)', () => {
  let server: Server;
  let issuer: string;
  let answer: (issuer: string) => { status: number; body: unknown };
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      const { status, body } = answer(issuer);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/acme`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const document = (iss: string) => ({
    issuer: iss, authorization_endpoint: `${iss}/auth`, token_endpoint: `${iss}/token`, jwks_uri: `${iss}/jwks`, userinfo_endpoint: `${iss}/me`,
  });
  function discovery(now: () => number, retryMs = 5000) {
    const provider = resolveOidcOptions({ acme: { issuer, clientId: 'a', clientSecret: 's', callbackUrl: 'http://127.0.0.1/cb', discoveryRetryMs: retryMs } }).acme;
    return new OidcDiscovery(provider, now);
  }

  beforeEach(() => {
    requests = 0;
    answer = (iss) => ({ status: 200, body: document(iss) });
  });

  it('fetches once and caches for the TTL, then refreshes', async () => {
    let time = 0;
    const d = discovery(() => time);
    expect((await d.metadata()).tokenEndpoint).toBe(`${issuer}/token`);
    await d.metadata();
    expect(requests).toBe(1);
    time += 3_600_000;
    await d.metadata();
    expect(requests).toBe(2);
  });

  it('a document for another issuer is refused (503), as is a non-https endpoint of a non-loopback host', async () => {
    answer = (iss) => ({ status: 200, body: document(`${iss}/other`) });
    await expect(discovery(() => 0).metadata()).rejects.toBeInstanceOf(OAuthProviderUnavailableError);
    answer = (iss) => ({ status: 200, body: { ...document(iss), token_endpoint: 'http://evil.example.com/token' } });
    await expect(discovery(() => 0).metadata()).rejects.toBeInstanceOf(OAuthProviderUnavailableError);
  });

  it('a failure answers 503 and backs off for discoveryRetryMs; then the next call recovers', async () => {
    let time = 0;
    const d = discovery(() => time);
    answer = () => ({ status: 500, body: {} });
    await expect(d.metadata()).rejects.toMatchObject({ code: 'oauth_provider_unavailable', httpStatus: 503 });
    answer = (iss) => ({ status: 200, body: document(iss) });
    await expect(d.metadata()).rejects.toBeInstanceOf(OAuthProviderUnavailableError);
    expect(requests).toBe(1);
    time += 5000;
    expect((await d.metadata()).issuer).toBe(issuer);
    expect(requests).toBe(2);
  });

  it('a stale document is kept while its refresh fails', async () => {
    let time = 0;
    const d = discovery(() => time);
    await d.metadata();
    answer = () => ({ status: 503, body: {} });
    time += 3_600_000;
    expect((await d.metadata()).issuer).toBe(issuer);
    expect(requests).toBe(2);
  });
});
