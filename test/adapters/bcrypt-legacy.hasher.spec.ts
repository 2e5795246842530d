import * as bcrypt from 'bcryptjs';
import {
  Argon2PasswordHasher, BcryptLegacyPasswordHasher, type PasswordHasher, ServiceBusyError,
} from '../../lib';
import { isBcryptHash } from '../../lib/adapters/hashing/bcrypt-legacy.hasher';
import { FAST_HASHING } from '../support/test-app';

/**
 * Fixed vectors from Openwall's crypt_blowfish test suite (the reference bcrypt implementation), checked here against
 * libxcrypt too: the same hash bytes under `$2a$`, `$2b$` (node `bcrypt`, bcryptjs) and `$2y$` (PHP).
 */
const VECTORS = [
  { hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', password: 'U*U' },
  { hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK', password: 'U*U*' },
  { hash: '$2b$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a', password: 'U*U*U' },
  { hash: '$2y$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a', password: 'U*U*U' },
];

describe('BcryptLegacyPasswordHasher', () => {
  const hasher = new BcryptLegacyPasswordHasher({ passwordHashing: FAST_HASHING });

  it.each(VECTORS)('verifies the fixed vector $hash', async ({ hash, password }) => {
    expect(await hasher.verify(hash, password)).toBe(true);
    expect(await hasher.verify(hash, `${password}*`)).toBe(false);
    expect(await hasher.verify(hash, '')).toBe(false);
  });

  it('verifies hashes bcryptjs makes ($2b$, cost 10 as most apps use, and a unicode password)', async () => {
    const password = 'correct horse battery staple';
    const hash = await bcrypt.hash(password, 10);
    expect(hash).toMatch(/^\$2b\$10\$/);
    expect(await hasher.verify(hash, password)).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
    const unicode = 'pässwörd-日本語-🔑';
    expect(await hasher.verify(await bcrypt.hash(unicode, 4), unicode)).toBe(true);
    expect(await hasher.verify(await bcrypt.hash(unicode, 4), unicode.normalize('NFD'))).toBe(false);
  });

  it('every bcrypt hash needs a rehash; an argon2id hash of the current parameters does not, of others does', async () => {
    for (const { hash } of VECTORS) expect(hasher.needsRehash(hash)).toBe(true);
    expect(hasher.needsRehash(await bcrypt.hash('x', 4))).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('x'))).toBe(false);
    const older = await new Argon2PasswordHasher({ ...FAST_HASHING, timeCost: 2 }).hash('x');
    expect(hasher.needsRehash(older)).toBe(true);
  });

  it('hashes new passwords with argon2id (the module\'s parameters) and verifies those through argon2', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'wrong')).toBe(false);
  });

  it('never throws for a malformed or foreign hash: false', async () => {
    for (const hash of ['', '$2a$05$short', '$2x$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a', '$2a$99$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a', 'plain']) {
      expect(await hasher.verify(hash, 'U*U*U')).toBe(false);
      expect(isBcryptHash(hash)).toBe(false);
    }
  });

  it('a password over bcrypt\'s 72 bytes verifies on its first 72, as bcrypt always did', async () => {
    const long = 'a'.repeat(72);
    const hash = await bcrypt.hash(`${long}-the-part-bcrypt-never-saw`, 4);
    expect(await hasher.verify(hash, `${long}-anything`)).toBe(true);
    expect(await hasher.verify(hash, 'a'.repeat(71))).toBe(false);
  });

  it('runs one bcrypt verification at a time, at most maxQueued waiting, then ServiceBusyError (503 busy)', async () => {
    const narrow = new BcryptLegacyPasswordHasher({ passwordHashing: { ...FAST_HASHING, maxQueued: 1 } });
    const hash = await bcrypt.hash('U*U', 8);
    const running = narrow.verify(hash, 'U*U');
    const waiting = narrow.verify(hash, 'nope');
    await expect(narrow.verify(hash, 'U*U')).rejects.toBeInstanceOf(ServiceBusyError);
    expect(await running).toBe(true);
    expect(await waiting).toBe(false);
    // The slot is free again.
    expect(await narrow.verify(hash, 'U*U')).toBe(true);
  });

  it('with { current }, new passwords and non-bcrypt hashes go to that hasher', async () => {
    const calls: string[] = [];
    const current: PasswordHasher = {
      hash: async (password) => { calls.push('hash'); return `plain:${password}`; },
      verify: async (hash, password) => { calls.push('verify'); return hash === `plain:${password}`; },
      needsRehash: (hash) => { calls.push('needsRehash'); return !hash.startsWith('plain:'); },
    };
    const wrapping = new BcryptLegacyPasswordHasher({ current });
    expect(await wrapping.hash('p')).toBe('plain:p');
    expect(await wrapping.verify('plain:p', 'p')).toBe(true);
    expect(wrapping.needsRehash('plain:p')).toBe(false);
    expect(await wrapping.verify(VECTORS[0].hash, VECTORS[0].password)).toBe(true);
    expect(wrapping.needsRehash(VECTORS[0].hash)).toBe(true);
    expect(calls).toEqual(['hash', 'verify', 'needsRehash']);
  });

  it('without bcryptjs installed, building it fails with a message that names the package to install', () => {
    jest.isolateModules(() => {
      jest.doMock('bcryptjs', () => {
        throw Object.assign(new Error("Cannot find module 'bcryptjs'"), { code: 'MODULE_NOT_FOUND' });
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { BcryptLegacyPasswordHasher: Isolated } = require('../../lib/adapters/hashing/bcrypt-legacy.hasher');
      expect(() => new Isolated({ passwordHashing: FAST_HASHING })).toThrow(/needs the optional peer dependency bcryptjs \(npm install bcryptjs@3\)/);
    });
    jest.dontMock('bcryptjs');
  });
});
