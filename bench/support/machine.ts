import { cpus, platform, release } from 'node:os';
import type { Redis } from 'ioredis';
import type { Machine } from './report';

/** The machine the bench ran on: CPU, cores, Node, the Redis server's version, the OS. */
export async function describeMachine(redis: Redis): Promise<Machine> {
  const info = String(await redis.call('INFO', 'server'));
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus().length,
    node: process.version,
    redis: /^redis_version:(.+)$/m.exec(info)?.[1].trim() ?? 'unknown',
    os: `${platform()} ${release()}`,
  };
}
