import { request } from 'node:http';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import type { Circus } from '@jest/types';
import { TestEnvironment as NodeEnvironment } from 'jest-environment-node';
import { type SharedTopologyName, sharedToStart, WANTED_TOPOLOGIES } from './redis-topologies';
import { RUN_ENV } from './run-env';

/**
 * Asks this run's topology broker (topology-broker.ts, in the Jest main process): a POST on a connection of its own
 * (no keep-alive, so no request can meet a connection the other side is closing).
 */
function broker<T>(path: string, body: object): Promise<T> {
  const url = process.env[RUN_ENV.broker];
  if (!url) return Promise.reject(new Error(`${RUN_ENV.broker} is not set: run the tests through Jest (its global setup starts the broker)`));
  const payload = JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = request(`${url}/${path}`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      // A Cluster is given 30 s to become healthy, more on a loaded machine.
      timeout: 120_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        try {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T & { error?: string };
          if (res.statusCode === 200) resolve(answer);
          else reject(new Error(`topology broker: ${path} ${payload} failed: ${answer.error}`));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`topology broker: ${path} ${payload}: no answer in 120 s`)));
    req.on('error', reject);
    req.end(payload);
  });
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
    Object.assign(env, (await broker<{ env: Record<string, string> }>('acquire', { names })).env);
    this.acquired = names;
  }

  override async teardown(): Promise<void> {
    const names = this.acquired;
    this.acquired = [];
    try {
      if (names.length) await broker('release', { names });
    } finally {
      await super.teardown();
    }
  }
}
