import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { createRedisClient } from './redis-client';
import { sleep } from './time';

interface Seen {
  args: string[];
  source: string;
}

/**
 * The Redis commands one app (its key prefix) sends while `action` runs, read from MONITOR on the shared test
 * server between two ECHO markers; commands run inside scripts (`lua`) are left out: a script call counts once.
 */
export async function commandsSentDuring(keyPrefix: string, action: () => Promise<unknown>): Promise<string[]> {
  const client = createRedisClient();
  const monitorBase = createRedisClient();
  const monitor: Redis = await monitorBase.monitor(); // a second connection, in MONITOR mode
  try {
    const seen: Seen[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ args, source }));
    const tag = randomBytes(6).toString('hex');
    const markerAt = (marker: string) => seen.findIndex((e) => e.args[0]?.toLowerCase() === 'echo' && e.args[1] === marker);
    await client.echo(`start-${tag}`);
    await action();
    await client.echo(`end-${tag}`);
    // MONITOR output arrives asynchronously: poll (up to 2 s) for the end marker.
    for (let i = 0; i < 100 && markerAt(`end-${tag}`) < 0; i++) await sleep(20);
    const start = markerAt(`start-${tag}`);
    const end = markerAt(`end-${tag}`);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    return seen
      .slice(start + 1, end)
      .filter((e) => e.source !== 'lua' && e.args.some((arg) => arg.startsWith(`${keyPrefix}:`)))
      .map((e) => e.args[0].toLowerCase());
  } finally {
    monitor.disconnect();
    monitorBase.disconnect();
    client.disconnect();
  }
}
