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
