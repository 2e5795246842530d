import type { TransportRequest } from '../decorators/transport-request';

/** The parts of a request the guards read; Express and Fastify requests, the GraphQL `req` and a socket's handshake view all fit. */
export type AuthRequest = TransportRequest;

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
