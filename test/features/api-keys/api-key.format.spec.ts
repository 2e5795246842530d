import { crc32, isApiKeyId, looksLikeApiKey, mintApiKey, parseApiKey } from '../../../lib/features/api-keys/api-key.format';
import { resolveApiKeysOptions } from '../../../lib/features/api-keys/api-keys.options';
import { AllowApiKey } from '../../../lib/features/api-keys/allow-api-key.decorator';

describe('API key format', () => {
  it('crc32 is the IEEE CRC-32 (the check value of "123456789" is cbf43926)', () => {
    expect(crc32('123456789').toString(16)).toBe('cbf43926');
    expect(crc32('')).toBe(0);
  });

  it('mints <prefix><id>.<user>.<256-bit secret>.<checksum>; parses back to the id, the user and the hash of the secret', () => {
    const minted = mintApiKey('acme_', 'user-1');
    expect(minted.key).toMatch(/^acme_[A-Za-z0-9_-]{22}\.dXNlci0x\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{6}$/);
    expect(Buffer.from(minted.key.split('.')[2], 'base64url')).toHaveLength(32);
    expect(parseApiKey('acme_', minted.key)).toEqual({ id: minted.id, userId: 'user-1', hash: minted.hash });
    expect(minted.hash).not.toContain(minted.key.split('.')[2]);
    expect(mintApiKey('acme_', 'user-1').key).not.toBe(minted.key);
    expect(looksLikeApiKey('acme_', minted.key)).toBe(true);
    expect(looksLikeApiKey('acme_', 'eyJhbGciOi.x.y')).toBe(false);
    expect(isApiKeyId(minted.id)).toBe(true);
  });

  it('refuses a changed character anywhere, another prefix, a truncated key or a reshaped user part', () => {
    const { key } = mintApiKey('akit_', 'a}b{c');
    expect(parseApiKey('akit_', key)?.userId).toBe('a}b{c');
    for (let i = 5; i < key.length; i++) {
      if (key[i] === '.') continue;
      const changed = `${key.slice(0, i)}${key[i] === 'A' ? 'B' : 'A'}${key.slice(i + 1)}`;
      expect(parseApiKey('akit_', changed)).toBeNull();
    }
    expect(parseApiKey('other_', key)).toBeNull();
    expect(parseApiKey('akit_', key.slice(0, -1))).toBeNull();
    expect(parseApiKey('akit_', `${key}.x`)).toBeNull();
    expect(parseApiKey('akit_', 'akit_')).toBeNull();
    expect(parseApiKey('akit_', `akit_${'A'.repeat(5000)}`)).toBeNull();
  });
});

describe('apiKeys options', () => {
  it('defaults: off without the option; on with {}', () => {
    expect(resolveApiKeysOptions(undefined).enabled).toBe(false);
    const { routes, ...rest } = resolveApiKeysOptions({});
    expect(rest).toEqual({
      enabled: true, prefix: 'akit_', scopes: null, maxKeysPerUser: 25, defaultExpiresInDays: 90, maxExpiresInDays: 365,
      throttle: { limit: 600, windowMs: 60_000 }, lastUsedGranularityMs: 60_000, ownerRecheckMs: 300_000,
    });
    expect(routes.size).toBe(0);
  });

  it.each([
    [{ prefix: 'eyJ_' }, 'apiKeys.prefix'],
    [{ prefix: 'ak' }, 'apiKeys.prefix'],
    [{ prefix: 'Akit_' }, 'apiKeys.prefix'],
    [{ scopes: ['a b'] }, 'apiKeys.scopes'],
    [{ maxKeysPerUser: 0 }, 'apiKeys.maxKeysPerUser'],
    [{ defaultExpiresInDays: 400 }, 'apiKeys.defaultExpiresInDays'],
    [{ throttle: { limit: -1 } }, 'apiKeys.throttle.limit'],
    [{ throttle: { windowMs: 1 } }, 'apiKeys.throttle.windowMs'],
    [{ lastUsed: 1 }, 'apiKeys.lastUsed'],
  ])('refuses %j naming %s', (options, option) => {
    expect(() => resolveApiKeysOptions(options as never)).toThrow(`option "${option}"`);
  });

  it('@AllowApiKey refuses a malformed scope at decoration time', () => {
    expect(() => AllowApiKey({ scopes: ['ok', 'not ok'] })).toThrow(TypeError);
    expect(() => AllowApiKey({ scopes: ['reports:read'] })).not.toThrow();
  });
});
