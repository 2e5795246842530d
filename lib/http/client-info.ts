import type { ClientInfo } from '../auth.types';

/** The parts of a request `clientInfo` reads (Express and Fastify requests both fit). */
export interface ClientRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The client's ip (`req.ip`: set `trust proxy` behind a proxy) and user agent. */
export function clientInfo(req: ClientRequest): ClientInfo {
  const userAgent = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof userAgent === 'string' ? userAgent : undefined };
}
