import type { AsyncLocalStorage } from 'node:async_hooks';
import { isRecord } from './oauth2-client';

/** Largest provider response accepted from a passport strategy's requests. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/** The part of node-oauth's `OAuth2` (a strategy's `_oauth2`) that is replaced. */
export interface NodeOAuth2Like {
  _accessTokenUrl?: string;
  _customHeaders?: Record<string, string>;
  _request(
    method: string, url: string, headers: Record<string, string> | null | undefined, body: string | Buffer | null | undefined,
    accessToken: string | null | undefined, callback: NodeOAuth2Callback,
  ): void;
}

/** node-oauth's callback: `(error)` or `(null, body, response)`; `error` is `{ statusCode, data }` for an HTTP error. */
export type NodeOAuth2Callback = (error: unknown, body?: string, response?: { statusCode: number; headers: Record<string, string> }) => void;

/** One authentication in progress: where an exception thrown inside the strategy's callbacks goes. */
export interface PassportCall {
  fail(error: unknown): void;
}

/** Marks the body of an unusable provider answer (the strategy sees an HTTP error without data). */
const UNUSABLE = { statusCode: 502, data: '' };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A token endpoint answer the strategy may parse: a JSON object with a string `access_token` (or RFC 6749 form
 * encoding of the same). A 2xx `{ error }` (GitHub's way of refusing a code) becomes the 400 it should have been,
 * so the strategy reports a `TokenError`. Anything else is unusable.
 */
function checkTokenAnswer(text: string): { ok: true } | { error: { statusCode: number; data: string } } {
  const json = parseJson(text);
  const record = json === undefined ? Object.fromEntries(new URLSearchParams(text)) : json;
  if (!isRecord(record)) return { error: UNUSABLE };
  if (typeof record.error === 'string') return { error: { statusCode: 400, data: JSON.stringify({ error: record.error }) } };
  const token = record.access_token;
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) return { error: UNUSABLE };
  return { ok: true };
}

/** A resource answer the strategy may parse: a JSON object, or an array of JSON objects. */
function usableResource(text: string): boolean {
  const json = parseJson(text);
  return isRecord(json) || (Array.isArray(json) && json.every(isRecord));
}

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new Error('provider response too large');
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) throw new Error('provider response too large');
  return text;
}

/**
 * Replaces node-oauth's HTTP transport of one strategy (`strategy._oauth2._request`) by `fetch`, because node-oauth
 * parses provider answers inside its socket listeners, where a junk body (HTML, `null`, `[null]`) throws and exits
 * the process, and it has no timeout. The replacement:
 * - times every request out after `timeoutMs`, reads at most 256 KiB, never follows a redirect;
 * - hands the strategy only bodies it can parse: a token answer with an `access_token` (a 2xx `{ error }` becomes a
 *   400), resources that are JSON objects or arrays of objects; anything else arrives as an HTTP error without data;
 * - sends the access token in an `Authorization: Bearer` header, never in the URL;
 * - calls the strategy back inside a `try`: whatever the strategy still throws fails the current authentication
 *   (found through `calls`) instead of the process.
 */
export function guardOAuth2Transport(oauth2: NodeOAuth2Like, timeoutMs: number, calls: AsyncLocalStorage<PassportCall>): void {
  oauth2._request = (method, url, headers, body, accessToken, callback) => {
    const call = calls.getStore();
    const deliver = (...args: Parameters<NodeOAuth2Callback>): void => {
      try {
        callback(...args);
      } catch (error) {
        if (call) call.fail(error);
      }
    };
    const requestHeaders: Record<string, string> = { 'user-agent': 'nestjs-authkit', ...oauth2._customHeaders, ...headers };
    if (accessToken && !Object.keys(requestHeaders).some((name) => name.toLowerCase() === 'authorization')) {
      requestHeaders.Authorization = `Bearer ${accessToken}`;
    }
    delete requestHeaders.Host;
    const isTokenRequest = method === 'POST' && url === oauth2._accessTokenUrl;
    if (isTokenRequest) requestHeaders.Accept ??= 'application/json';
    fetch(url, {
      method,
      headers: requestHeaders,
      body: body === null || body === undefined || body === '' ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
      .then(async (response) => ({ status: response.status, text: await readCapped(response) }))
      .then(
        ({ status, text }) => {
          if (status < 200 || status >= 300) return deliver(status >= 300 && status < 400 ? UNUSABLE : { statusCode: status, data: text });
          if (isTokenRequest) {
            const checked = checkTokenAnswer(text);
            if ('error' in checked) return deliver(checked.error);
          } else if (!usableResource(text)) {
            return deliver(UNUSABLE);
          }
          deliver(null, text, { statusCode: status, headers: {} });
        },
        (error: unknown) => deliver(error),
      );
  };
}
