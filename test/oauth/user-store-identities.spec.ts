import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { MemoryUserStore, RedisUserStore } from '../../lib';
import { userStoreIdentityContract } from './user-store-identities.contract';

userStoreIdentityContract('MemoryUserStore', async () => ({ store: new MemoryUserStore(), close: async () => undefined }));

userStoreIdentityContract('RedisUserStore (real Redis)', async () => {
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
