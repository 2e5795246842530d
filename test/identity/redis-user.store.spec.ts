import type Redis from 'ioredis';
import { RedisUserStore } from '../../lib';
import { createRedisClient, uniqueKeyPrefix } from '../support/redis-client';
import { describeUserStoreContract } from './user-store.contract';

let redis: Redis;

beforeAll(() => {
  redis = createRedisClient();
});

afterAll(async () => {
  await redis.quit();
});

describeUserStoreContract('RedisUserStore', () => new RedisUserStore(redis, uniqueKeyPrefix('users')));
