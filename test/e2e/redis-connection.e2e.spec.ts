import { RedisModule, RedisService } from '@liaoliaots/nestjs-redis';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { AUTHKIT_REDIS, AuthModule } from '../../lib';
import { baseTestOptions, createTestApp, http, uniqueEmail } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';

describe('where the Redis client comes from', () => {
  it('{ url }: the library creates its own ioredis client, serves requests with it and quits it on close', async () => {
    const t = await createTestApp();
    const client = t.app.get<Redis>(AUTHKIT_REDIS);
    try {
      expect(client).toBeInstanceOf(Redis);
      expect(client.options.enableOfflineQueue).toBe(false);
      const email = uniqueEmail('own-client');
      expect((await http(t.url, 'POST', '/auth/register', { json: { email, password: PASSWORD } })).status).toBe(201);
    } finally {
      await t.close();
    }
    expect(client.status).toBe('end');
  });

  it('{ namespace }: reuses the client the app registered with @liaoliaots/nestjs-redis (an optional peer)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        RedisModule.forRoot({ config: { namespace: 'app', url: process.env.REDIS_URL } }),
        AuthModule.forRoot({ ...baseTestOptions('tns'), redis: { namespace: 'app', keyPrefix: 'tns' } }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      expect(app.get(AUTHKIT_REDIS)).toBe(app.get(RedisService).getOrThrow('app'));
    } finally {
      await app.close();
    }
  });

  it('{ namespace } without RedisModule in the app refuses to start, naming the option', async () => {
    const build = Test.createTestingModule({
      imports: [AuthModule.forRoot({ ...baseTestOptions('tns2'), redis: { namespace: 'app' } })],
    }).compile();
    await expect(build).rejects.toThrow(/redis\.namespace.*RedisModule is not registered/);
  });
});
