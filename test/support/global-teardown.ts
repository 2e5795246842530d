import type { RedisServer } from './redis-server';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __AUTHKIT_REDIS__?: RedisServer }).__AUTHKIT_REDIS__?.stop();
}
