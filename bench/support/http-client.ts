import type { AppProcess } from './app-process';
import { PASSWORD } from './fixtures';

/** Headers of the bench's JSON request bodies. */
export const JSON_HEADERS = { 'content-type': 'application/json' };

/** The `Authorization` header for an access token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Throws (with the body) unless `response` has the `expected` status. */
export async function expectStatus(response: Response, expected: number, what: string): Promise<Response> {
  if (response.status !== expected) {
    throw new Error(`${what}: expected HTTP ${expected}, got ${response.status} ${await response.text()}`);
  }
  return response;
}

/** `POST /auth/login` with the bench password: the token pair. */
export async function login(app: AppProcess, email: string): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await fetch(`${app.url}/auth/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ email, password: PASSWORD }) });
  await expectStatus(response, 200, `login ${email}`);
  return (await response.json()) as { accessToken: string; refreshToken: string };
}
