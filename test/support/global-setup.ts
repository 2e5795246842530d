import { RedisServer } from './redis-server';

/** Starts one redis-server for the whole run unless REDIS_URL points at one. */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) return;
  const server = await RedisServer.start();
  process.env.REDIS_URL = server.url;
  (globalThis as { __AUTHKIT_REDIS__?: RedisServer }).__AUTHKIT_REDIS__ = server;
}
