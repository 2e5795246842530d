import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '@jest/types';
import { RedisServer } from './redis-server';
import { selectedTopologies, sharedToStart } from './redis-topologies';
import { RUN_ENV } from './run-env';
import { TopologyBroker } from './topology-broker';

/** What the setup started, for the teardown. */
export interface StartedServices {
  workerRedis: RedisServer[];
  broker?: TopologyBroker;
  runDir?: string;
}

/**
 * Once per Jest run, in the main process:
 * - a throwaway redis-server per Jest worker (unless REDIS_URL points at one, which then all share): the test
 *   environment (jest-environment.ts) gives each file its worker's as REDIS_URL;
 * - the topology broker (topology-broker.ts), which starts the Redis Cluster and the master + replica + 3 Sentinels
 *   for the files that use them (`redisTopologies()`) and stops them after the last one; it starts them right away,
 *   in the background, when the sequencer counted such files in this run (`AUTHKIT_TEST_TOPOLOGIES` leaves topologies
 *   out; `AUTHKIT_TEST_CLUSTER_NODES` / `AUTHKIT_TEST_SENTINELS` name deployments of your own);
 * - a temporary directory for what suites build once and share.
 */
export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  const started: StartedServices = { workerRedis: [] };
  (globalThis as { __AUTHKIT_SERVICES__?: StartedServices }).__AUTHKIT_SERVICES__ = started;
  try {
    if (!process.env.REDIS_URL) {
      const workers = Math.max(1, globalConfig.maxWorkers ?? 1);
      started.workerRedis = await Promise.all(Array.from({ length: workers }, () => RedisServer.start()));
      process.env[RUN_ENV.workerRedisUrls] = started.workerRedis.map((server) => server.url).join(',');
    }
    started.broker = await TopologyBroker.start();
    process.env[RUN_ENV.broker] = started.broker.url;
    started.broker.prestart(sharedToStart(selectedTopologies()));
    started.runDir = mkdtempSync(join(tmpdir(), 'authkit-jest-run-'));
    process.env[RUN_ENV.runDir] = started.runDir;
  } catch (error) {
    await stopServices(started);
    throw error;
  }
}

/** Stops what `globalSetup` started (also its teardown). */
export async function stopServices(started: StartedServices): Promise<void> {
  await Promise.all([...started.workerRedis.map((server) => server.stop()), started.broker?.close()]);
  if (started.runDir) rmSync(started.runDir, { recursive: true, force: true });
}
