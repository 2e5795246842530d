/** The request fields cookie handling reads. */
export interface CookieRequest {
  headers: Record<string, string | string[] | undefined>;
  originalUrl?: string;
  url?: string;
}

/** Reads one cookie from the `Cookie` header (no cookie-parser needed). */
export function readCookie(request: CookieRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length ? value : undefined;
    }
  }
  return undefined;
}

/**
 * CSRF defence for cookie-borne requests: refused when the browser says the request is
 * cross-site, or when it carries an `Origin` that is neither this host nor allowed.
 */
export function isCrossSite(request: CookieRequest, allowedOrigins: readonly string[]): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (fetchSite === 'cross-site') return true;
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '') return false;
  if (allowedOrigins.includes(origin)) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}
