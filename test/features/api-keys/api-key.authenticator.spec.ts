import 'reflect-metadata';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { MemoryUserStore } from '../../../lib/adapters/memory/memory-user.store';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { AllowApiKey } from '../../../lib/features/api-keys/allow-api-key.decorator';
import { ApiKeyAuthenticator } from '../../../lib/features/api-keys/api-key.authenticator';
import { ApiKeyOwners } from '../../../lib/features/api-keys/api-key-owners';
import { mintApiKey } from '../../../lib/features/api-keys/api-key.format';
import { resolveApiKeysOptions } from '../../../lib/features/api-keys/api-keys.options';
import { MemoryApiKeyStore } from '../../../lib/features/api-keys/memory-api-key.store';

class Routes {
  @AllowApiKey()
  any(): void {}
  plain(): void {}
}
const context = (handler: keyof Routes) => new ExecutionContextHost([{ headers: {} }, {}, () => undefined], Routes, Routes.prototype[handler]);

async function setup(scopes: string[], ownerRoles: string[], checkedAt = Date.now()) {
  const users = new MemoryUserStore();
  const user = await users.create({ email: 'k@example.test', passwordHash: null, roles: ownerRoles, emailVerified: true });
  const store = new MemoryApiKeyStore();
  const options = resolveApiKeysOptions({});
  const owners = new ApiKeyOwners(store, users, options, new AuthEvents());
  const authenticator = new ApiKeyAuthenticator(new Reflector(), store, options, { admin: ['editor'], editor: ['viewer'] }, owners);
  const minted = mintApiKey('akit_', user.id);
  await store.create(
    { id: minted.id, userId: user.id, name: 'n', hash: minted.hash, scopes, credentialVersion: 0, createdAt: Date.now(), expiresAt: null, lastUsedAt: null },
    { roles: ownerRoles, credentialVersion: 0, checkedAt }, 10,
  );
  return { users, user, store, authenticator, key: minted.key };
}

describe('ApiKeyAuthenticator', () => {
  it("the principal's roles: the key's scopes the owner holds, directly or through the hierarchy", async () => {
    const { authenticator, key, user } = await setup(['viewer', 'editor', 'billing'], ['editor']);
    expect(await authenticator.authenticate(key, context('any'))).toEqual({
      id: user.id, sessionId: '', roles: ['viewer', 'editor'], claims: {}, amr: [], type: 'api_key', apiKey: { id: expect.any(String), scopes: ['viewer', 'editor', 'billing'] },
    });
  });

  it('refuses on a route without @AllowApiKey, and a malformed key, before the store', async () => {
    const { authenticator, key, store } = await setup([], ['user']);
    const check = jest.spyOn(store, 'check');
    await expect(authenticator.authenticate(key, context('plain'))).rejects.toMatchObject({ code: 'api_key_not_accepted' });
    await expect(authenticator.authenticate(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`, context('any'))).rejects.toMatchObject({ code: 'api_key_invalid' });
    expect(check).not.toHaveBeenCalled();
  });

  it('an owner state older than ownerRecheckSeconds is re-read: a user disabled outside the library loses the key', async () => {
    const { authenticator, key, users, user, store } = await setup([], ['user'], Date.now() - 301_000);
    await users.setDisabled(user.id, true);
    await expect(authenticator.authenticate(key, context('any'))).rejects.toMatchObject({ code: 'api_key_invalid' });
    expect(await store.list(user.id)).toEqual([]);
  });

  it('a fresh owner state is not re-read (one store command per request)', async () => {
    const { authenticator, key, users } = await setup([], ['user']);
    const read = jest.spyOn(users, 'findById');
    await authenticator.authenticate(key, context('any'));
    expect(read).not.toHaveBeenCalled();
  });
});
