import type { OnApplicationShutdown } from '@nestjs/common';
import type { ChainableCommander } from 'ioredis';
import type { RedisClient, ReplicationWait } from './redis.options';

/** Thrown (and turned into 503 `store_unavailable` by `redisCall`) when no replica confirmed a write in time. */
export class ReplicationTimeoutError extends Error {
  constructor(readonly acknowledged: number, readonly wanted: number) {
    super(`Redis: ${acknowledged} of ${wanted} replica(s) confirmed the write in time`);
  }
}

type ScriptPipeline = ChainableCommander & Record<string, (...args: (string | number)[]) => ChainableCommander>;

/**
 * Runs the script command `name` (defined with `defineCommand`; its keys first, all in one slot) and, when `wait`
 * is set, `WAIT <replicas> <timeoutMs>` right after it in ONE pipeline: one round trip, on the same connection,
 * so WAIT covers that write; on a Cluster the pipeline goes to the node that owns the key's slot (WAIT has no
 * key, so it follows the script). Resolves to the script's reply once enough replicas have it; rejects with
 * `ReplicationTimeoutError` otherwise (the write may still be on the master alone).
 */
export async function replicatedCall<T>(redis: RedisClient, wait: ReplicationWait, name: string, args: (string | number)[]): Promise<T> {
  const pipeline = redis.pipeline() as ScriptPipeline;
  pipeline[name](...args);
  pipeline.wait(wait.replicas, wait.timeoutMs);
  const results = await pipeline.exec();
  if (!results || results.length !== 2) throw new Error('Redis: pipeline aborted');
  const [[scriptError, reply], [waitError, acknowledged]] = results;
  if (scriptError) throw scriptError;
  if (waitError) throw waitError;
  if (Number(acknowledged) < wait.replicas) throw new ReplicationTimeoutError(Number(acknowledged), wait.replicas);
  return reply as T;
}

/** Connections in a `ReplicatedWriter`'s pool. */
const POOL_SIZE = 4;

/**
 * The writes of `durability: 'replicated'` (session creations and rotations) and their `WAIT`, on a small pool
 * of connections of their own (`duplicate()`s of the shared client: same server, Sentinel group or Cluster,
 * same options). A `WAIT` holds its connection until a replica confirms or the timeout ends; on the shared,
 * auto-pipelined connection every command queued behind it (the guards' HGET, throttles) would wait too, so a
 * lagging replica would turn every request into a 503. Here only replicated writes wait, each on the least busy
 * connection of the pool. The pool is quit on application shutdown.
 */
export class ReplicatedWriter implements OnApplicationShutdown {
  private readonly pool: Array<{ client: RedisClient; busy: number }>;

  constructor(redis: RedisClient, private readonly wait: ReplicationWait, size = POOL_SIZE) {
    this.pool = Array.from({ length: size }, () => {
      const client = redis.duplicate();
      // The shared client logs the outage (rate-limited); the pool's own errors would only repeat it.
      client.on('error', () => undefined);
      return { client, busy: 0 };
    });
  }

  /** Defines a script command on every connection of the pool (as `defineCommand` does on the shared client). */
  define(name: string, lua: string, numberOfKeys: number): void {
    for (const { client } of this.pool) if (!(name in client)) client.defineCommand(name, { lua, numberOfKeys });
  }

  /** `replicatedCall` on the least busy connection of the pool. */
  async call<T>(name: string, args: (string | number)[]): Promise<T> {
    const slot = this.pool.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
    slot.busy += 1;
    try {
      return await replicatedCall<T>(slot.client, this.wait, name, args);
    } finally {
      slot.busy -= 1;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.pool.map(({ client }) => client.quit().then(() => undefined, () => client.disconnect())));
  }
}
