import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A client registered at the local OpenID Provider (oidc-provider's client metadata). */
export interface OidcTestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  post_logout_redirect_uris?: string[];
}

/** The one-shot id_token tampering the provider applies to its next token response (see oidc-provider.mjs). */
export type TamperKind = 'signature' | 'payload' | 'aud' | 'iss' | 'nonce' | 'expired' | 'azp' | 'none' | 'hs256' | 'foreign-key';

/** A cookie jar for one origin (paths ignored: the provider tolerates extra cookies). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookie: string[]): void {
    for (const header of setCookie) {
      const pair = header.split(';')[0];
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0\b/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * panva's oidc-provider 9 (ESM-only) as its own node process on a free loopback port (test/support/oidc-provider.mjs),
 * driven over HTTP: clients, accounts, key rotation, discovery failure, tampered id_tokens. `login` plays the user on
 * its (dev) login page over HTTP; the Chromium suite uses the same page in a browser.
 */
export class OidcTestProvider {
  private constructor(private readonly child: ChildProcess, readonly issuer: string) {}

  static async start(): Promise<OidcTestProvider> {
    const child = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (process.env.OIDC_TEST_DEBUG) process.stderr.write(chunk);
    });
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`oidc-provider did not start: ${stderr}`)), 15_000);
      child.once('exit', (code) => reject(new Error(`oidc-provider exited (${code}): ${stderr}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('{')) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { issuer: string }).issuer);
      });
    });
    return new OidcTestProvider(child, issuer);
  }

  async control(body: Record<string, unknown>): Promise<{ kids: string[] }> {
    const res = await fetch(`${this.issuer}/__control`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) throw new Error(`control failed: ${res.status}`);
    return (await res.json()) as { kids: string[] };
  }

  /** The provider's private JWKS (the tests sign their own logout tokens with it). */
  async privateJwks(): Promise<{ keys: Array<Record<string, string>> }> {
    const res = await fetch(`${this.issuer}/__control/jwks`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as { keys: Array<Record<string, string>> };
  }

  /**
   * The user at the provider: follows the authorization request to the login page, signs in as `login` (any
   * password), and returns the URL the provider redirects back to (the app's callback with `code` and `state`).
   * `jar` keeps the provider's session cookies (for a later logout at the provider).
   */
  async login(authorizeUrl: URL | string, login: string, jar = new CookieJar()): Promise<URL> {
    let url = new URL(authorizeUrl);
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      jar.store(res.headers.getSetCookie());
      const location = res.headers.get('location');
      await res.text();
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, url);
        if (next.origin !== this.issuer) return next;
        url = next;
        continue;
      }
      if (res.status === 200 && url.pathname.startsWith('/interaction/')) {
        const submit = await fetch(url, {
          method: 'POST',
          headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ prompt: 'login', login, password: 'any' }).toString(),
          redirect: 'manual',
          signal: AbortSignal.timeout(10_000),
        });
        jar.store(submit.headers.getSetCookie());
        await submit.text();
        const resume = submit.headers.get('location');
        if (!resume) throw new Error(`login submit answered ${submit.status}`);
        url = new URL(resume, url);
        continue;
      }
      throw new Error(`unexpected provider answer ${res.status} at ${url.pathname}`);
    }
    throw new Error('too many redirects at the provider');
  }

  /** RP-initiated logout at the provider, confirmed: the provider then posts back-channel logout tokens. */
  async logoutAtProvider(jar: CookieJar): Promise<void> {
    const page = await fetch(`${this.issuer}/session/end`, { headers: { cookie: jar.header() }, signal: AbortSignal.timeout(10_000) });
    jar.store(page.headers.getSetCookie());
    const html = await page.text();
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    if (!xsrf) throw new Error(`no logout form (${page.status})`);
    const confirm = await fetch(`${this.issuer}/session/end/confirm`, {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    await confirm.text();
    if (confirm.status >= 400) throw new Error(`logout confirm answered ${confirm.status}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
