import { resolveAuthOptions } from '../../../lib/auth.options';
import { MemoryPasskeyCredentialStore } from '../../../lib/features/passkeys/memory-passkey.stores';
import { resolvePasskeyOptions } from '../../../lib/features/passkeys/passkeys.options';

const JWT = { secret: 'a-secret-that-is-at-least-32-bytes-long!!' };

describe('passkeys options', () => {
  it('off without the option; defaults with it', () => {
    expect(resolvePasskeyOptions(undefined).enabled).toBe(false);
    expect(resolvePasskeyOptions({ rpId: 'example.com', origins: ['https://example.com'] })).toEqual({
      enabled: true, rpId: 'example.com', rpName: 'example.com', origins: ['https://example.com'], challengeTtlSeconds: 300,
      recentAuthSeconds: 900, maxPerUser: 20, notify: true, stores: null,
    });
    expect(resolveAuthOptions({ jwt: JWT, passkeys: { rpId: 'localhost', origins: ['http://localhost:3000'] } }).passkeys.enabled).toBe(true);
  });

  it.each([
    [{ rpId: 'example.com', origins: ['https://example.com'], rpIdd: 'x' }, 'passkeys.rpIdd'],
    [{ rpId: 'https://example.com', origins: ['https://example.com'] }, 'passkeys.rpId'],
    [{ rpId: '10.0.0.1', origins: ['https://10.0.0.1'] }, 'passkeys.rpId'],
    [{ rpId: 'example.com', origins: [] }, 'passkeys.origins'],
    [{ rpId: 'example.com' }, 'passkeys.origins'],
    [{ rpId: 'example.com', origins: ['https://example.com/'] }, 'passkeys.origins'],
    [{ rpId: 'example.com', origins: ['http://example.com'] }, 'passkeys.origins'],
    [{ rpId: 'example.com', origins: ['https://example.org'] }, 'passkeys.origins'],
    [{ rpId: 'example.com', origins: ['https://notexample.com'] }, 'passkeys.origins'],
    [{ rpId: 'example.com', origins: ['https://example.com'], challengeTtlSeconds: 0 }, 'passkeys.challengeTtlSeconds'],
    [{ rpId: 'example.com', origins: ['https://example.com'], notify: 'yes' }, 'passkeys.notify'],
    [{ rpId: 'example.com', origins: ['https://example.com'], stores: 'sql' }, 'passkeys.stores'],
    [{ rpId: 'example.com', origins: ['https://example.com'], stores: { credentials: new MemoryPasskeyCredentialStore(), challenges: {} } }, 'passkeys.stores.challenges'],
    [{ rpId: 'example.com', origins: ['https://example.com'], stores: {} }, 'passkeys.stores.credentials'],
    [{ rpId: 'example.com', origins: ['https://example.com'], stores: { credentials: { add: () => 'added' } } }, 'passkeys.stores.credentials'],
  ])('refuses %j, naming %s', (passkeys, option) => {
    expect(() => resolveAuthOptions({ jwt: JWT, passkeys: passkeys as never })).toThrow(new RegExp(option.replace('.', '\\.')));
  });

  it('accepts an origin on a subdomain of the RP ID, and several origins', () => {
    expect(resolvePasskeyOptions({ rpId: 'example.com', origins: ['https://example.com', 'https://app.example.com:8443'] }).origins).toHaveLength(2);
  });

  it("takes an app's own credential store (passkeys.stores.credentials) as given", () => {
    const credentials = new MemoryPasskeyCredentialStore();
    expect(resolvePasskeyOptions({ rpId: 'example.com', origins: ['https://example.com'], stores: { credentials } }).stores?.credentials).toBe(credentials);
  });
});
