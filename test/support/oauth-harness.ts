import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { AuthExceptionFilter, AuthModule, type AuthModuleOptions, type OAuthOptions } from '../../lib';
import { type LocalOAuthProvider, type LocalProviderName } from './oauth-provider';
import { freePort } from './redis-server';
import { baseTestOptions, http } from './test-app';
import { createPlatformApp } from './http-adapter';

export interface OAuthTestApp {
  app: INestApplication;
  url: string;
  keyPrefix: string;
  redis: Redis;
  close(): Promise<void>;
}

/**
 * A Nest app with the library on a real HTTP server and real Redis, its OAuth providers pointed at the
 * local provider. The port is picked first so that the callback URLs are the app's real ones.
 */
export async function createOAuthApp(
  provider: LocalOAuthProvider,
  options: {
    /** Extra `oauth` options; a function gets the app's base URL (for passport sources' callback URLs). */
    oauth?: Partial<OAuthOptions> | ((base: string) => Partial<OAuthOptions>);
    /** The built-in providers to configure (default both). */
    providers?: LocalProviderName[];
    auth?: Partial<AuthModuleOptions>;
    /** Share users with another app by giving both the same prefix (default: a fresh one). */
    keyPrefix?: string;
    /** The app's own modules, imported after `AuthModule` (so their routes are registered after the library's). */
    imports?: Type[];
  } = {},
): Promise<OAuthTestApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const enabled = options.providers ?? ['google', 'github'];
  const keyPrefix = options.keyPrefix ?? `t${randomBytes(4).toString('hex')}`;
  const extra = typeof options.oauth === 'function' ? options.oauth(base) : options.oauth;
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({
        ...baseTestOptions(keyPrefix, options.auth),
        oauth: {
          google: enabled.includes('google') ? { ...provider.googleOptions(), callbackUrl: `${base}/auth/google/callback` } : undefined,
          github: enabled.includes('github') ? { ...provider.githubOptions(), callbackUrl: `${base}/auth/github/callback` } : undefined,
          successRedirect: 'http://app.test/welcome',
          ...extra,
        },
      }),
      ...(options.imports ?? []),
    ],
  }).compile();
  const app = createPlatformApp(moduleRef, { logger: false });
  app.useGlobalFilters(app.get(AuthExceptionFilter));
  await app.listen(port, '127.0.0.1');
  const redis = new Redis(process.env.REDIS_URL as string);
  return {
    app, url: base, keyPrefix, redis,
    close: async () => {
      redis.disconnect();
      await app.close();
    },
  };
}

export interface RawResponse {
  status: number;
  location: string | null;
  setCookie: string[];
  body: any;
}

export async function raw(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const res = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.getSetCookie(), body };
}

/** `name=value` of the cookie `name` in Set-Cookie headers (undefined when absent or being cleared). */
export function cookieValue(setCookie: string[], name: string): string | undefined {
  for (const header of setCookie) {
    const pair = header.split(';')[0];
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) === name && pair.slice(eq + 1) !== '') return pair;
  }
  return undefined;
}

export interface Started {
  response: RawResponse;
  authorizeUrl: URL;
  /** `authkit_oauth_<provider>_<tag>=<secret>` as a Cookie header value. */
  stateCookie: string;
}

/** A test "browser": drives the app and the local provider with redirects handled by hand. */
export class Browser {
  constructor(readonly app: OAuthTestApp) {}

  /** GET /auth/<provider> (or /link with an access token). */
  async begin(provider: string, init: { token?: string; json?: boolean } = {}): Promise<Started> {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.json) headers.accept = 'application/json';
    const path = init.token ? `/auth/${provider}/link` : `/auth/${provider}`;
    const response = await raw(this.app.url + path, { headers });
    const target = init.json ? response.body?.authorizationUrl : response.location;
    if (typeof target !== 'string') throw new Error(`begin ${path} did not redirect: ${response.status} ${JSON.stringify(response.body)}`);
    const name = response.setCookie.map((c) => c.split('=')[0]).find((n) => n.startsWith(`authkit_oauth_${provider}_`));
    const stateCookie = name && cookieValue(response.setCookie, name);
    if (!stateCookie) throw new Error(`begin ${path} set no state cookie`);
    return { response, authorizeUrl: new URL(target), stateCookie };
  }

  /** The user at the provider: signs in as `account` (or declines); returns the callback URL it redirects to. */
  async consent(authorizeUrl: URL, account: string | { deny: true }): Promise<URL> {
    const url = new URL(authorizeUrl);
    if (typeof account === 'string') url.searchParams.set('login_as', account);
    else url.searchParams.set('deny', '1');
    const res = await raw(url.toString());
    if (res.status !== 302 || !res.location) throw new Error(`provider refused: ${res.status} ${JSON.stringify(res.body)}`);
    return new URL(res.location);
  }

  /** The provider's redirect arriving at the app's callback. */
  callback(callbackUrl: URL | string, cookie?: string): Promise<RawResponse> {
    return raw(callbackUrl.toString(), { headers: cookie ? { cookie } : {} });
  }

  /** A whole sign-in: begin, consent, callback with the state cookie. */
  async signIn(provider: string, account: string): Promise<{ started: Started; callbackUrl: URL; result: RawResponse }> {
    const started = await this.begin(provider);
    const callbackUrl = await this.consent(started.authorizeUrl, account);
    const result = await this.callback(callbackUrl, started.stateCookie);
    return { started, callbackUrl, result };
  }

  /** POST /auth/refresh with the refresh cookie -> the token response. */
  async refresh(refreshCookie: string) {
    return http(this.app.url, 'POST', '/auth/refresh', { cookie: refreshCookie });
  }

  /** Refresh with the callback's cookie, then GET /auth/me. */
  async me(callback: RawResponse) {
    const refreshCookie = cookieValue(callback.setCookie, 'authkit_rt');
    if (!refreshCookie) throw new Error('no refresh cookie');
    const refreshed = await this.refresh(refreshCookie);
    if (refreshed.status !== 200) throw new Error(`refresh failed: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
    const me = await http(this.app.url, 'GET', '/auth/me', { token: refreshed.body.accessToken });
    return { refreshed, me, accessToken: refreshed.body.accessToken as string };
  }
}

/** Number of user records under the app's key prefix. */
export async function countUsers(t: OAuthTestApp): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await t.redis.scan(cursor, 'MATCH', `${t.keyPrefix}:{*}:user`, 'COUNT', 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}
