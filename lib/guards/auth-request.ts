import type { AuthenticatedUser } from '../auth.types';

/** The parts of a request the guards read; Express and Fastify requests both fit. */
export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: AuthenticatedUser;
}

/** The parts of a response the guards write. */
export interface AuthResponse {
  setHeader?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
}

export function setResponseHeader(response: AuthResponse | undefined, name: string, value: string): void {
  if (!response) return;
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else if (typeof response.header === 'function') response.header(name, value);
}
