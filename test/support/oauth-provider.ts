import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A Google account as the local provider serves it (OpenID Connect userinfo shape). */
export interface GoogleAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** A GitHub account: `/user` and `/user/emails` shapes. */
export interface GitHubAccount {
  id: number;
  login: string;
  name?: string;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

export type LocalProviderName = 'google' | 'github';

/** What the token endpoint received, and what it answered. */
export interface TokenRequestRecord {
  provider: LocalProviderName;
  params: Record<string, string>;
  outcome: 'issued' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'outage';
  reason?: string;
}

interface IssuedCode {
  provider: LocalProviderName;
  clientId: string;
  redirectUri: string;
  challenge: string;
  account: string;
  used: boolean;
  expiresAt: number;
}

const CLIENTS: Record<LocalProviderName, { clientId: string; clientSecret: string }> = {
  google: { clientId: 'google-client-id.apps.local', clientSecret: 'google-client-secret' },
  github: { clientId: 'Iv1.githubclientid', clientSecret: 'github-client-secret' },
};

function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * A real OAuth 2.0 authorization server on loopback, speaking Google's and GitHub's dialects:
 * - authorization endpoint: validates client_id, redirect_uri, response_type=code, state and an S256
 *   PKCE challenge; the "user" picks an account by `login_as=<key>` (what a test browser appends) or
 *   declines with `deny=1`; then 302 back to redirect_uri with `code` + `state` (or `error`).
 * - token endpoint: client authentication, single-use codes (a reused code is refused), redirect_uri
 *   match, and PKCE verification (`S256(code_verifier) === code_challenge`). Google refuses with 400
 *   `{error}`, GitHub with 200 `{error}` as the real ones do.
 * - Google `/userinfo` `{sub, email, email_verified, name}`; GitHub `/user` `{id, login, name, email}`
 *   and `/user/emails` `[{email, primary, verified, visibility}]`, all behind the issued bearer token.
 */
export class LocalOAuthProvider {
  readonly clients = CLIENTS;
  readonly authorizationRequests: Array<{ provider: LocalProviderName; params: URLSearchParams }> = [];
  readonly tokenRequests: TokenRequestRecord[] = [];
  /** When true, the token endpoints answer 503 (provider outage). */
  outage = false;
  /**
   * For a real browser, which cannot append `login_as`: the account signed in at the provider, whose consent
   * is given at once (a key from `addGoogleAccount`...), or `'deny'` (the user clicks Cancel).
   */
  browserSession?: string;
  private gate?: { size: number; waiting: Array<() => void> };

  private readonly google = new Map<string, GoogleAccount>();
  private readonly github = new Map<string, GitHubAccount>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly accessTokens = new Map<string, { provider: LocalProviderName; account: string }>();

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<LocalOAuthProvider> {
    let provider: LocalOAuthProvider | undefined;
    const server = createServer((req, res) => {
      provider!.handle(req, res).catch((error: unknown) => json(res, 500, { error: 'server_error', detail: String(error) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    provider = new LocalOAuthProvider(server, `http://127.0.0.1:${port}`);
    return provider;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Options for `oauth.google` (without callbackUrl). */
  googleOptions() {
    return {
      ...CLIENTS.google,
      authorizationUrl: `${this.url}/google/o/oauth2/v2/auth`,
      tokenUrl: `${this.url}/google/token`,
      userInfoUrl: `${this.url}/google/v1/userinfo`,
    };
  }

  /** Options for `oauth.github` (without callbackUrl), shaped like GitHub Enterprise Server. */
  githubOptions() {
    return {
      ...CLIENTS.github,
      authorizationUrl: `${this.url}/github/login/oauth/authorize`,
      tokenUrl: `${this.url}/github/login/oauth/access_token`,
      apiUrl: `${this.url}/github/api/v3`,
    };
  }

  /**
   * Holds the next `size` profile requests (Google userinfo, GitHub /user/emails) until all of them
   * have arrived, then answers them together: concurrent callbacks then reach the app's identity
   * resolution at the same moment, whatever the scheduling.
   */
  gateProfileRequests(size: number): void {
    this.gate = { size, waiting: [] };
  }

  private async passGate(): Promise<void> {
    const gate = this.gate;
    if (!gate) return;
    await new Promise<void>((resolve) => {
      gate.waiting.push(resolve);
      if (gate.waiting.length >= gate.size) {
        this.gate = undefined;
        for (const release of gate.waiting) release();
      }
    });
  }

  /** Adds a Google account; returns the key a browser passes as `login_as`. */
  addGoogleAccount(account: GoogleAccount): string {
    const key = `g-${randomBytes(6).toString('hex')}`;
    this.google.set(key, account);
    return key;
  }

  addGitHubAccount(account: GitHubAccount): string {
    const key = `h-${randomBytes(6).toString('hex')}`;
    this.github.set(key, account);
    return key;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /google/o/oauth2/v2/auth':
        return this.authorize('google', url.searchParams, res);
      case 'GET /github/login/oauth/authorize':
        return this.authorize('github', url.searchParams, res);
      case 'POST /google/token':
        return this.token('google', req, res);
      case 'POST /github/login/oauth/access_token':
        return this.token('github', req, res);
      case 'GET /google/v1/userinfo': {
        const account = this.bearer('google', req);
        if (!account) return json(res, 401, { error: 'invalid_token' });
        await this.passGate();
        const google = this.google.get(account)!;
        return json(res, 200, { sub: google.sub, email: google.email, email_verified: google.email_verified, name: google.name });
      }
      case 'GET /github/api/v3/user': {
        const account = this.bearer('github', req);
        if (!account) return json(res, 401, { message: 'Bad credentials' });
        const gh = this.github.get(account)!;
        return json(res, 200, { id: gh.id, login: gh.login, name: gh.name ?? null, email: null, type: 'User' });
      }
      case 'GET /github/api/v3/user/emails': {
        const account = this.bearer('github', req);
        if (!account) return json(res, 401, { message: 'Bad credentials' });
        await this.passGate();
        return json(res, 200, this.github.get(account)!.emails.map((e) => ({ ...e, visibility: e.primary ? 'public' : null })));
      }
      default:
        return json(res, 404, { error: 'not_found' });
    }
  }

  private authorize(provider: LocalProviderName, params: URLSearchParams, res: ServerResponse): void {
    this.authorizationRequests.push({ provider, params: new URLSearchParams(params) });
    const redirectUri = params.get('redirect_uri');
    const state = params.get('state');
    const challenge = params.get('code_challenge');
    if (params.get('client_id') !== CLIENTS[provider].clientId) return json(res, 400, { error: 'invalid_client' });
    if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return json(res, 400, { error: 'invalid_request', detail: 'redirect_uri' });
    if (params.get('response_type') !== 'code') return json(res, 400, { error: 'unsupported_response_type' });
    if (!state) return json(res, 400, { error: 'invalid_request', detail: 'state' });
    if (params.get('code_challenge_method') !== 'S256' || !challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return json(res, 400, { error: 'invalid_request', detail: 'PKCE S256 challenge required' });
    }
    const back = new URL(redirectUri);
    const choice = params.get('deny') === '1' ? 'deny' : params.get('login_as') ?? this.browserSession;
    if (choice === 'deny') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('state', state);
    } else {
      const account = choice ?? '';
      const known = provider === 'google' ? this.google.has(account) : this.github.has(account);
      if (!known) return json(res, 400, { error: 'no_account_selected' });
      const code = randomBytes(20).toString('hex');
      this.codes.set(code, {
        provider, clientId: CLIENTS[provider].clientId, redirectUri, challenge, account, used: false, expiresAt: Date.now() + 600_000,
      });
      back.searchParams.set('code', code);
      back.searchParams.set('state', state);
    }
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  private async token(provider: LocalProviderName, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const record: TokenRequestRecord = { provider, params, outcome: 'issued' };
    this.tokenRequests.push(record);
    const refuse = (outcome: TokenRequestRecord['outcome'], reason: string) => {
      record.outcome = outcome;
      record.reason = reason;
      if (provider === 'github') return json(res, 200, { error: outcome === 'invalid_grant' ? 'bad_verification_code' : outcome, error_description: reason });
      return json(res, outcome === 'invalid_client' ? 401 : 400, { error: outcome, error_description: reason });
    };
    if (this.outage) {
      record.outcome = 'outage';
      return json(res, 503, { error: 'temporarily_unavailable' });
    }
    const client = CLIENTS[provider];
    if (params.client_id !== client.clientId || params.client_secret !== client.clientSecret) return refuse('invalid_client', 'client authentication failed');
    if (params.grant_type !== 'authorization_code') return refuse('unsupported_grant_type', 'grant_type');
    const issued = params.code ? this.codes.get(params.code) : undefined;
    if (!issued || issued.provider !== provider || issued.clientId !== params.client_id) return refuse('invalid_grant', 'unknown code');
    if (issued.used) return refuse('invalid_grant', 'code already used');
    issued.used = true;
    if (issued.expiresAt < Date.now()) return refuse('invalid_grant', 'code expired');
    if (params.redirect_uri !== issued.redirectUri) return refuse('invalid_grant', 'redirect_uri mismatch');
    const verifier = params.code_verifier;
    if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return refuse('invalid_grant', 'code_verifier missing');
    if (s256(verifier) !== issued.challenge) return refuse('invalid_grant', 'PKCE verification failed');
    const accessToken = randomBytes(24).toString('hex');
    this.accessTokens.set(accessToken, { provider, account: issued.account });
    if (provider === 'github') return json(res, 200, { access_token: accessToken, token_type: 'bearer', scope: 'read:user,user:email' });
    return json(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3599, scope: 'openid email profile' });
  }

  private bearer(provider: LocalProviderName, req: IncomingMessage): string | undefined {
    const match = /^(?:Bearer|token) (\S+)$/i.exec(req.headers.authorization ?? '');
    const grant = match ? this.accessTokens.get(match[1]) : undefined;
    return grant?.provider === provider ? grant.account : undefined;
  }
}
