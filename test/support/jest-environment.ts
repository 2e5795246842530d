import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { type SharedTopologyName, sharedToStart, WANTED_TOPOLOGIES } from './redis-topologies';
import { RUN_ENV } from './run-env';

/** Asks this run's topology broker (topology-broker.ts, in the Jest main process) for `names`, or gives them back. */
async function brokerRequest(action: 'acquire' | 'release', names: SharedTopologyName[]): Promise<Record<string, string>> {
  const url = process.env[RUN_ENV.broker];
  if (!url) throw new Error(`${RUN_ENV.broker} is not set: run the tests through Jest (its global setup starts the topology broker)`);
  const res = await fetch(`${url}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ names }),
    // A Cluster is given 30 s to become healthy, more on a loaded machine.
    signal: AbortSignal.timeout(120_000),
  });
  const body = (await res.json()) as { env?: Record<string, string>; error?: string };
  if (!res.ok) throw new Error(`Redis topologies ${names.join(', ')}: ${action} failed: ${body.error}`);
  return body.env ?? {};
}

/**
 * Jest's Node environment, plus what each test file gets (jest.config.ts `testEnvironment`):
 * - `REDIS_URL`: the redis-server of its Jest worker (the global setup starts one per worker), so that files running
 *   in parallel share no server: throttle counters, MONITOR, INFO and the sample's fixed key prefix are seen by one
 *   file at a time, as in a serial run;
 * - the Cluster and the Sentinel set-up, when the file called `redisTopologies()` while it was collected: acquired
 *   from the topology broker before its first hook, released after its last (when the file's apps are closed).
 */
export default class AuthkitTestEnvironment extends NodeEnvironment {
  private acquired: SharedTopologyName[] = [];

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const urls = process.env[RUN_ENV.workerRedisUrls]?.split(',').filter(Boolean);
    if (urls?.length) {
      const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? 1));
      this.global.process.env.REDIS_URL = urls[(worker - 1) % urls.length];
    }
  }

  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name !== 'run_start') return;
    const wanted = (this.global as Record<string, unknown>)[WANTED_TOPOLOGIES] as Set<SharedTopologyName> | undefined;
    const env = this.global.process.env;
    const names = sharedToStart(wanted ?? [], env);
    if (names.length === 0) return;
    Object.assign(env, await brokerRequest('acquire', names));
    this.acquired = names;
  }

  override async teardown(): Promise<void> {
    const names = this.acquired;
    this.acquired = [];
    try {
      if (names.length) await brokerRequest('release', names);
    } finally {
      await super.teardown();
    }
  }
}
