import type Redis from 'ioredis';
import { createRedisClient } from './redis-client';
import { RedisServer } from './redis-server';

/** What `useOwnRedis` gives a suite; the fields are set once its `beforeAll` has run. */
export interface OwnRedis<App> {
  server: RedisServer;
  /** A connection of its own for CLIENT PAUSE, CLIENT KILL, probes. */
  admin: Redis;
  app: App;
}

/**
 * A suite's own redis-server, so that CLIENT PAUSE, KILL or a shutdown hurt no other suite, an admin connection on
 * it, and the app `createApp(url)` builds on it: started in `beforeAll`, stopped in `afterAll` (app, then server).
 * Call it inside a `describe`; read the fields inside tests.
 */
export function useOwnRedis<App extends { close(): Promise<void> }>(createApp: (url: string) => Promise<App>): OwnRedis<App> {
  const own = {} as OwnRedis<App>;
  beforeAll(async () => {
    own.server = await RedisServer.start();
    own.admin = createRedisClient({}, own.server.url);
    own.app = await createApp(own.server.url);
  });
  afterAll(async () => {
    own.admin?.disconnect();
    await own.app?.close();
    await own.server?.stop();
  });
  return own;
}
