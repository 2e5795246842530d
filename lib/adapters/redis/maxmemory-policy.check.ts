import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Cluster, type Redis } from 'ioredis';
import { AUTHKIT_REDIS } from '../../core/auth.constants';
import type { RedisClient } from './redis.options';

async function readNodePolicy(redis: Redis): Promise<string | undefined> {
  const info = await redis.info('memory');
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

/**
 * Reads `maxmemory_policy` from `INFO memory` (allowed on managed services that disable CONFIG). On a
 * Cluster every master is asked; the answer is the first policy that is not `noeviction` (or undefined if a
 * master cannot be read), so one misconfigured shard is reported.
 */
export async function readMaxmemoryPolicy(redis: RedisClient): Promise<string | undefined> {
  if (!(redis instanceof Cluster)) return readNodePolicy(redis);
  const masters = redis.nodes('master');
  if (masters.length === 0) return undefined;
  const policies = await Promise.all(masters.map((node) => readNodePolicy(node).catch(() => undefined)));
  if (policies.includes(undefined)) return undefined;
  return policies.find((policy) => policy !== 'noeviction') ?? 'noeviction';
}

/**
 * Start-up check of the Redis eviction policy. Anything but `noeviction` lets Redis silently erase
 * sessions, rotation state and reuse markers under memory pressure (a revoked or replayed token could
 * come back to life, users are logged out at random), so the library warns loudly. Runs when the app
 * boots and again on every (re)connection, so an app that started while Redis was down still gets it.
 * Never blocks start-up and never throws.
 */
@Injectable()
export class MaxmemoryPolicyCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuthKit');
  private readonly onReady = () => void this.check();

  constructor(@Inject(AUTHKIT_REDIS) private readonly redis: RedisClient | null) {}

  onApplicationBootstrap(): void {
    if (!this.redis) return;
    this.redis.on('ready', this.onReady);
    if (this.redis.status === 'ready') void this.check();
  }

  onApplicationShutdown(): void {
    this.redis?.off('ready', this.onReady);
  }

  /** Reads the policy and logs a warning unless it is `noeviction`. Resolves to the policy (undefined if unreadable). */
  async check(): Promise<string | undefined> {
    if (!this.redis) return undefined;
    let policy: string | undefined;
    try {
      policy = await readMaxmemoryPolicy(this.redis);
    } catch {
      policy = undefined;
    }
    if (policy === undefined) {
      this.logger.warn(
        'Could not read the Redis maxmemory-policy. It MUST be "noeviction": with eviction Redis silently deletes ' +
          'sessions and refresh-token reuse markers under memory pressure.',
      );
    } else if (policy !== 'noeviction') {
      this.logger.warn(
        `Redis maxmemory-policy is "${policy}", not "noeviction". Under memory pressure Redis will silently evict ` +
          'sessions, refresh-token rotation state and reuse markers (revoked or stolen tokens may work again; users ' +
          'are signed out at random). Set "maxmemory-policy noeviction" on this Redis (or give the library its own).',
      );
    }
    return policy;
  }
}
