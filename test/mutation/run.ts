import { spawn } from 'node:child_process';
import { RedisServer } from '../support/redis-server';

/**
 * `npm run test:mutation`: starts one redis-server for the whole run (the specs that rotate through the Redis
 * session store need it; starting one per mutant would dominate the run), then StrykerJS with
 * stryker.config.json. Extra arguments go to `stryker run` (e.g. `--mutate lib/core/throttling/client-ip.ts`).
 */
async function main(): Promise<number> {
  const redis = await RedisServer.start();
  try {
    const env = { ...process.env, REDIS_URL: redis.url, AUTHKIT_TEST_TOPOLOGIES: 'standalone' };
    const child = spawn('npx', ['stryker', 'run', 'stryker.config.json', ...process.argv.slice(2)], { stdio: 'inherit', env });
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    await redis.stop();
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
