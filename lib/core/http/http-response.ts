/**
 * The response of either platform, as the controllers write it: an Express `Response` (Node's `setHeader`, plus
 * `append`) or a Fastify `FastifyReply` (`header`, which appends `Set-Cookie` values, and no `setHeader`).
 */
export interface HttpResponse {
  status?(code: number): unknown;
  append?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string | string[]): unknown;
}

/** Sets one header, replacing any previous value (Express: `setHeader`; Fastify: `header`). */
export function setHeader(response: HttpResponse, name: string, value: string): void {
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else if (typeof response.header === 'function') response.header(name, value);
}

/** Adds a `Set-Cookie` header without dropping those already set (Express: `append`; Fastify: `header`). */
export function appendSetCookie(response: HttpResponse, cookie: string): void {
  if (typeof response.append === 'function') response.append('Set-Cookie', cookie);
  else if (typeof response.header === 'function') response.header('Set-Cookie', cookie);
  else response.setHeader?.('Set-Cookie', cookie);
}
