import { OAuthProviderUnavailableError } from '../../core/errors/provider.errors';

/** Largest provider answer read (discovery, keys, token, userinfo); anything bigger is refused. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/** An answer of the provider: the status and the JSON body (`undefined` when it is not JSON). */
export interface ProviderAnswer {
  status: number;
  json: unknown;
}

/**
 * One request to the provider with plain `fetch`: a timeout, redirects never followed (a bearer token or a client
 * secret must not travel to another host), a size cap. A network failure or a timeout is `OAuthProviderUnavailableError`
 * (503); bodies are never logged or put into errors.
 */
export async function providerRequest(
  url: string, timeoutMs: number, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string } = {},
): Promise<ProviderAnswer> {
  let text: string;
  let status: number;
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { 'user-agent': 'nestjs-authkit', accept: 'application/json', ...init.headers },
      body: init.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    if (Number(response.headers.get('content-length') ?? '0') > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new Error('response too large');
    }
    text = await response.text();
    if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) throw new Error('response too large');
  } catch (cause) {
    throw new OAuthProviderUnavailableError({ cause });
  }
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status, json };
}

/** A plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** GET a JSON object; anything but a 2xx JSON object is `OAuthProviderUnavailableError`. */
export async function getJsonObject(url: string, timeoutMs: number, headers?: Record<string, string>): Promise<Record<string, unknown>> {
  const { status, json } = await providerRequest(url, timeoutMs, { headers });
  if (status < 200 || status >= 300 || !isRecord(json)) throw new OAuthProviderUnavailableError();
  return json;
}
