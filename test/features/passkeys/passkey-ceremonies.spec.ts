import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { MemoryPasskeyChallengeStore, MemoryPasskeyCredentialStore } from '../../../lib/features/passkeys/memory-passkey.stores';
import { PasskeyCeremonies } from '../../../lib/features/passkeys/passkey-ceremonies';
import { PasskeyChallengeInvalidError } from '../../../lib/features/passkeys/passkeys.errors';
import { resolvePasskeyOptions } from '../../../lib/features/passkeys/passkeys.options';
import { SoftAuthenticator } from '../../../lib/testing/soft-authenticator';

const ORIGIN = 'http://localhost:4200';

/** The ceremonies on memory stores with a moved clock: a challenge lives `challengeTtlSeconds`, then is refused. */
describe('PasskeyCeremonies (memory stores)', () => {
  let now = 1_900_000_000_000;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  async function setup() {
    const events: Array<[string, unknown]> = [];
    const ceremonies = new PasskeyCeremonies(
      resolvePasskeyOptions({ rpId: 'localhost', origins: [ORIGIN], challengeTtlSeconds: 300 }), new MemoryPasskeyCredentialStore(),
      new MemoryPasskeyChallengeStore(), new AuthEvents(undefined, { emit: (name, payload) => events.push([name, payload]) }),
    );
    const authenticator = new SoftAuthenticator();
    const creation = await ceremonies.creationOptions({ id: 'u1', email: 'u1@example.com' });
    await ceremonies.register('u1', authenticator.create(creation, { origin: ORIGIN }), 'Laptop', {});
    return { ceremonies, authenticator, events };
  }

  it('an expired challenge is refused (passkey_challenge_invalid, with its event); one just inside its TTL passes', async () => {
    const { ceremonies, authenticator, events } = await setup();
    const late = await ceremonies.requestOptions({ purpose: 'sign-in', userId: null, binding: null, userVerification: 'required' });
    const inTime = await ceremonies.requestOptions({ purpose: 'sign-in', userId: null, binding: null, userVerification: 'required' });
    now += 299_000;
    await expect(ceremonies.assert(authenticator.get(inTime, { origin: ORIGIN }), { purpose: 'sign-in' }, {})).resolves.toMatchObject({ userVerified: true });
    now += 1_000;
    await expect(ceremonies.assert(authenticator.get(late, { origin: ORIGIN }), { purpose: 'sign-in' }, {})).rejects.toBeInstanceOf(PasskeyChallengeInvalidError);
    expect(events.at(-1)).toEqual(['authkit.passkey.failed', expect.objectContaining({ reason: 'passkey_challenge_invalid' })]);
  });

  it('an expired registration challenge is refused too', async () => {
    const { ceremonies, authenticator } = await setup();
    const creation = await ceremonies.creationOptions({ id: 'u1', email: null });
    now += 300_000;
    await expect(ceremonies.register('u1', authenticator.create(creation, { origin: ORIGIN }), undefined, {})).rejects.toBeInstanceOf(PasskeyChallengeInvalidError);
  });
});
