import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ConfigService } from '@nestjs/config';
import { redisOptionsFromEnv } from '../../sample/redis-from-env';
import { type RedisTopology, redisTopologies, TOPOLOGY_ENV } from '../support/redis-topologies';
import { http, uniqueEmail } from '../support/test-app';

const SAMPLE_ENV = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'REDIS_CLUSTER_NODES', 'AUTH_JWT_SECRET'] as const;

/** The sample's environment for a topology, in the variables docs/sample-app.md documents. */
function sampleEnv(topology: RedisTopology): Partial<Record<(typeof SAMPLE_ENV)[number], string>> {
  if (topology.name === 'cluster') return { REDIS_CLUSTER_NODES: process.env[TOPOLOGY_ENV.clusterNodes] };
  if (topology.name === 'sentinel') {
    return { REDIS_SENTINELS: process.env[TOPOLOGY_ENV.sentinels], REDIS_SENTINEL_NAME: process.env[TOPOLOGY_ENV.sentinelName] };
  }
  return { REDIS_URL: process.env.REDIS_URL };
}

describe('the sample reads its Redis topology from the environment', () => {
  const config = (env: Record<string, string>) => ({ get: (key: string) => env[key] }) as unknown as ConfigService;

  it('REDIS_CLUSTER_NODES, else REDIS_SENTINELS + REDIS_SENTINEL_NAME, else REDIS_URL, else none', () => {
    expect(redisOptionsFromEnv(config({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001', REDIS_URL: 'redis://x' }))).toEqual({
      cluster: { nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }] }, durability: undefined,
    });
    expect(redisOptionsFromEnv(config({ REDIS_SENTINELS: 's1:26379,[::1]:26380', REDIS_SENTINEL_NAME: 'main', REDIS_DURABILITY: 'replicated' }))).toEqual({
      sentinels: [{ host: 's1', port: 26379 }, { host: '::1', port: 26380 }], name: 'main', durability: 'replicated',
    });
    expect(redisOptionsFromEnv(config({ REDIS_URL: 'redis://127.0.0.1:6379' }))).toEqual({ url: 'redis://127.0.0.1:6379', durability: undefined });
    expect(redisOptionsFromEnv(config({}))).toBeUndefined();
    expect(() => redisOptionsFromEnv(config({ REDIS_CLUSTER_NODES: 'no-port' }))).toThrow(/REDIS_CLUSTER_NODES/);
  });
});

describe.each(redisTopologies())('sample AppModule on $name from its environment variables', (topology) => {
  let app: INestApplication;
  let url: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    const env = sampleEnv(topology);
    for (const key of SAMPLE_ENV) {
      saved[key] = process.env[key];
      delete process.env[key];
    }
    Object.assign(process.env, env, { AUTH_JWT_SECRET: 'sample-topology-secret-that-is-long-enough' });
    const { AppModule } = await import('../../sample/app.module');
    const { configureSampleApp } = await import('../../sample/bootstrap');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = configureSampleApp(moduleRef.createNestApplication({ logger: false }));
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    for (const key of SAMPLE_ENV) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('/health pings Redis; register -> profile -> refresh', async () => {
    expect((await http(url, 'GET', '/health')).body).toEqual({ status: 'ok', store: 'redis' });
    const reg = await http(url, 'POST', '/auth/register', { json: { email: uniqueEmail('sample'), password: 'a user password' } });
    expect(reg.status).toBe(201);
    expect((await http(url, 'GET', '/profile', { token: reg.body.accessToken })).status).toBe(200);
    // The sample keeps the refresh token in its HttpOnly cookie.
    const cookie = reg.setCookie.map((c) => c.split(';')[0]).find((c) => /^(__Secure-)?authkit_rt=./.test(c));
    expect(cookie).toBeDefined();
    const refreshed = await http(url, 'POST', '/auth/refresh', { cookie });
    expect(refreshed.status).toBe(200);
  });
});
