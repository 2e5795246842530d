import { isIPv4 } from 'node:net';
import type { ClientInfo } from '../auth.types';

/** The parts of a request `clientInfo` reads (Express and Fastify requests both fit). */
export interface ClientRequest {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * An IPv4 client as IPv4: a server listening on `::` sees one as `::ffff:1.2.3.4`. Anything else as given (the
 * sessions list shows the whole address; throttling keys it further, see `clientIpKey`).
 */
function plainIp(ip: string | undefined): string | undefined {
  const mapped = ip === undefined ? null : IPV4_MAPPED.exec(ip);
  return mapped && isIPv4(mapped[1]) ? mapped[1] : ip;
}

/** The client's ip (`req.ip`: set `trust proxy` behind a proxy) and user agent. */
export function clientInfo(req: ClientRequest): ClientInfo {
  const userAgent = req.headers['user-agent'];
  return { ip: plainIp(req.ip), userAgent: typeof userAgent === 'string' ? userAgent : undefined };
}
