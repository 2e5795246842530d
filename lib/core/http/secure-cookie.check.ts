import { Logger } from '@nestjs/common';
import type { ResolvedCookieOptions } from './cookie.options';
import type { CookieRequest } from './cookies';

/** The request fields that tell how the client reached the app (Express and Fastify both have `protocol`). */
export interface TransportRequest extends CookieRequest {
  protocol?: string;
  secure?: boolean;
}

const LOOPBACK_HOST = /^(localhost|[a-z0-9.-]+\.localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The host name of a `Host` header, without the port (`[::1]:3000` -> `[::1]`). */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

/**
 * True when a browser will refuse a `Secure` cookie set by this response: the request reached the app over
 * plain http (no TLS here, no `X-Forwarded-Proto: https` from a proxy) at a host that is not loopback
 * (browsers accept Secure cookies over http from `localhost` and `127.0.0.1` only).
 */
export function secureCookieWillBeDropped(request: TransportRequest): boolean {
  // The header checks first: Express computes `protocol` (and `secure` from it) on every read, asking the
  // socket for its peer and the trust-proxy function; read once, and only for a host that is not loopback.
  const host = request.headers.host;
  if (typeof host !== 'string' || host === '' || LOOPBACK_HOST.test(hostName(host))) return false;
  const forwarded = request.headers['x-forwarded-proto'];
  if (typeof forwarded === 'string' && /^\s*https\b/i.test(forwarded)) return false;
  return request.protocol === 'http' && request.secure !== true;
}

const warned = new WeakSet<ResolvedCookieOptions>();
const logger = new Logger('AuthKit');

/**
 * Logs once per app (the first time it happens) that the Secure refresh cookie is being set or expected over
 * plain http at a host that is not loopback, where browsers drop it: sign-in then seems to work (201) and the
 * next refresh fails with `refresh_token_missing`. Names the host, never a token.
 */
export function checkSecureCookieTransport(options: ResolvedCookieOptions, request: TransportRequest): void {
  if (!options.cookie.secure || warned.has(options) || !secureCookieWillBeDropped(request)) return;
  warned.add(options);
  logger.warn(
    `The refresh cookie ${options.cookie.name} is Secure, but this request reached the app over plain http at ` +
      `"${hostName(String(request.headers.host)).slice(0, 100)}", which is not localhost: browsers drop Secure cookies there, so every ` +
      'refresh will fail with refresh_token_missing. Serve the app over https (behind a TLS proxy: enable trust proxy ' +
      'or forward X-Forwarded-Proto), open it as http://localhost, or set cookie.secure: false for local development only.',
  );
}
