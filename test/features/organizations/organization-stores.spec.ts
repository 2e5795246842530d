import type Redis from 'ioredis';
import { MemoryOrganizationData, MemoryOrganizationInvitationStore, MemoryOrganizationStore } from '../../../lib/features/organizations/memory-organization.stores';
import { RedisOrganizationInvitationStore, RedisOrganizationStore } from '../../../lib/features/organizations/redis-organization.stores';
import { describeOrganizationStoreContract } from '../../../lib/testing/organization-store.contract';
import { createRedisClient, scanKeys, uniqueKeyPrefix } from '../../support/redis-client';
import { redisTopologies, topologyClients } from '../../support/redis-topologies';

const clients = topologyClients();
let redis: Redis;

beforeAll(() => {
  redis = createRedisClient();
});

afterAll(async () => {
  await redis.quit();
  clients.closeAll();
});

describeOrganizationStoreContract('MemoryOrganizationStore', () => {
  const data = new MemoryOrganizationData();
  return { organizations: new MemoryOrganizationStore(data), invitations: new MemoryOrganizationInvitationStore(data) };
});
for (const topology of redisTopologies()) {
  describeOrganizationStoreContract(`RedisOrganizationStore on ${topology.name}`, () => {
    const prefix = uniqueKeyPrefix('org');
    const client = clients.client(topology);
    return { organizations: new RedisOrganizationStore(client, prefix), invitations: new RedisOrganizationInvitationStore(client, prefix) };
  });
}

describe('the Redis organization keys', () => {
  it("an organization's keys share its slot, a user's keys the user's; an invitation expires with itself", async () => {
    const prefix = uniqueKeyPrefix('org-keys');
    const organizations = new RedisOrganizationStore(redis, prefix);
    const invitations = new RedisOrganizationInvitationStore(redis, prefix);
    const expiresAt = Date.now() + 30_000;
    await organizations.create({ id: 'o1', name: 'One', createdAt: 1 }, 'u1', ['owner']);
    await invitations.invite({ orgId: 'o1', hash: 'h1', email: 'a@example.com', roles: ['member'], invitedBy: 'u1', expiresAt });
    await organizations.setActiveOrganization('u1', 's1', 'o1', 60_000);
    const keys = (await scanKeys(redis, `${prefix}:*`)).sort();
    expect(keys).toEqual([`${prefix}:{o.o1}:i:h1`, `${prefix}:{o.o1}:is`, `${prefix}:{o.o1}:m`, `${prefix}:{o.o1}:org`, `${prefix}:{u1}:org-active`, `${prefix}:{u1}:orgs`]);
    const ttl = await redis.pttl(`${prefix}:{o.o1}:i:h1`);
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
    expect(await redis.pttl(`${prefix}:{u1}:org-active`)).toBeGreaterThan(50_000);
  });
});
