import type { ConfigService } from '@nestjs/config';
import type { RedisConnectionOptions } from '../lib';

/** Parses `host:port,host:port` (`REDIS_SENTINELS`, `REDIS_CLUSTER_NODES`). */
export function parseAddresses(list: string, variable: string): { host: string; port: number }[] {
  const addresses = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(entry);
      if (!match) throw new TypeError(`${variable}: "${entry}" is not host:port`);
      return { host: match[1], port: Number(match[2]) };
    });
  if (addresses.length === 0) throw new TypeError(`${variable} is empty`);
  return addresses;
}

/**
 * The `redis` option from the environment: `REDIS_CLUSTER_NODES` (Cluster), else `REDIS_SENTINELS` +
 * `REDIS_SENTINEL_NAME` (Sentinel), else `REDIS_URL` (standalone); none of them -> undefined (in-memory).
 * `REDIS_DURABILITY=replicated` waits for a replica after session writes.
 */
export function redisOptionsFromEnv(config: ConfigService): RedisConnectionOptions | undefined {
  const durability = config.get<string>('REDIS_DURABILITY') === 'replicated' ? 'replicated' : undefined;
  const clusterNodes = config.get<string>('REDIS_CLUSTER_NODES');
  if (clusterNodes) return { cluster: { nodes: parseAddresses(clusterNodes, 'REDIS_CLUSTER_NODES') }, durability };
  const sentinels = config.get<string>('REDIS_SENTINELS');
  if (sentinels) {
    return {
      sentinels: parseAddresses(sentinels, 'REDIS_SENTINELS'),
      name: config.get<string>('REDIS_SENTINEL_NAME') ?? 'mymaster',
      durability,
    };
  }
  const url = config.get<string>('REDIS_URL');
  return url ? { url, durability } : undefined;
}
