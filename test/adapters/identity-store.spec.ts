import { randomBytes } from 'node:crypto';
import { MemoryUserStore, RedisUserStore } from '../../lib';
import { redisTopologies, scanAllKeys } from '../support/redis-topologies';
import { describeIdentityStoreContract } from '../../lib/testing/identity-store.contract';

describeIdentityStoreContract('MemoryUserStore', async () => ({ store: new MemoryUserStore(), close: async () => undefined }));

for (const topology of redisTopologies()) {
  describeIdentityStoreContract(`RedisUserStore on ${topology.name}`, async () => {
    const redis = topology.createClient();
    const prefix = `t${randomBytes(4).toString('hex')}`;
    return {
      store: new RedisUserStore(redis, prefix),
      countUserRecords: async () => (await scanAllKeys(redis, `${prefix}:{*}:user`)).length,
      close: async () => {
        redis.disconnect();
      },
    };
  });
}
