import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MemoryUserStore, RedisUserStore } from '../../lib';
import { describeUserStoreIdentityContract } from '../../lib/testing/user-store-identities.contract';

describeUserStoreIdentityContract('MemoryUserStore', async () => ({ store: new MemoryUserStore(), close: async () => undefined }));

describeUserStoreIdentityContract('RedisUserStore (real Redis)', async () => {
  const redis = new Redis(process.env.REDIS_URL as string);
  const prefix = `t${randomBytes(4).toString('hex')}`;
  return {
    store: new RedisUserStore(redis, prefix),
    countUserRecords: async () => (await redis.keys(`${prefix}:{*}:user`)).length,
    close: async () => {
      redis.disconnect();
    },
  };
});
