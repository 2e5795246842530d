import { Logger } from '@nestjs/common';
import { AuthEvents } from '../../../lib/core/events/auth-events.emitter';
import { SecondFactorRegistry } from '../../../lib/core/sessions/second-factors';
import { MemoryMfaChallengeStore, MemoryMfaFactorStore } from '../../../lib/features/mfa/memory-mfa.stores';
import { MfaCodeInvalidError } from '../../../lib/features/mfa/mfa.errors';
import { resolveMfaOptions } from '../../../lib/features/mfa/mfa.options';
import { MfaSecretCipher } from '../../../lib/features/mfa/mfa-secret.cipher';
import { MfaVerifier } from '../../../lib/features/mfa/mfa-verifier';
import { base32Encode, hotp, newTotpSecret, totpStep } from '../../../lib/features/mfa/totp';

const OLD = { id: 'old', key: Buffer.alloc(32, 1) };
const NEW = { id: 'new', key: Buffer.alloc(32, 2) };

/** A user with TOTP on (secret encrypted under `key`), and a verifier over the same memory stores with `ring`. */
async function setup(key: typeof OLD, ring: Array<typeof OLD>, options: { totpWindow?: number[]; maxUserFailures?: number } = {}) {
  const factors = new MemoryMfaFactorStore();
  const challenges = new MemoryMfaChallengeStore();
  const secret = newTotpSecret();
  const now = Date.now();
  await factors.savePendingTotp('u1', new MfaSecretCipher([key]).encrypt(secret, 'u1'), now + 60_000);
  await factors.confirmTotp('u1', { step: totpStep(now) - 5, recoveryCodeHashes: [], now });
  const events: Array<[string, unknown]> = [];
  const resolved = resolveMfaOptions({ encryptionKeys: ring.map(({ id, key: bytes }) => ({ id, key: bytes })), ...options });
  const verifier = new MfaVerifier(resolved, factors, challenges, new MfaSecretCipher(resolved.encryptionKeys), new AuthEvents(undefined, { emit: (n, p) => events.push([n, p]) }), new SecondFactorRegistry());
  const code = (offset = 0) => hotp(secret, totpStep(Date.now()) + offset);
  return { verifier, challenges, secret, code, events };
}

describe('MfaVerifier (memory stores)', () => {
  it('decrypts a secret written under an older key of the ring (rotation)', async () => {
    const { verifier, code } = await setup(OLD, [NEW, OLD]);
    await expect(verifier.verify('u1', { code: code() }, null, {})).resolves.toEqual({ method: 'totp' });
  });

  it('a secret whose key left the ring: no code passes, an error is logged without the secret or the code', async () => {
    const { verifier, code, secret } = await setup(OLD, [NEW]);
    const errors: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void errors.push(String(message)));
    try {
      const presented = code();
      await expect(verifier.verify('u1', { code: presented }, null, {})).rejects.toBeInstanceOf(MfaCodeInvalidError);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/cannot be decrypted .*mfa\.encryptionKeys/);
      for (const leak of [base32Encode(secret), secret.toString('hex'), secret.toString('base64'), presented]) expect(errors[0]).not.toContain(leak);
    } finally {
      spy.mockRestore();
    }
  });

  it('accepts the window only: a code from the next step is refused by default, accepted with totpWindow [-1, 0, 1]', async () => {
    const strict = await setup(OLD, [OLD]);
    await expect(strict.verifier.verify('u1', { code: strict.code(1) }, null, {})).rejects.toBeInstanceOf(MfaCodeInvalidError);
    const lenient = await setup(OLD, [OLD], { totpWindow: [-1, 0, 1] });
    await expect(lenient.verifier.verify('u1', { code: lenient.code(1) }, null, {})).resolves.toEqual({ method: 'totp' });
    // ...and then the current step is behind the last accepted one: refused.
    await expect(lenient.verifier.verify('u1', { code: lenient.code(0) }, null, {})).rejects.toBeInstanceOf(MfaCodeInvalidError);
  });

  it('counts failures per user and refuses at maxUserFailures with a Retry-After; the failed event carries no code', async () => {
    const { verifier, events } = await setup(OLD, [OLD], { maxUserFailures: 3 });
    for (let i = 0; i < 3; i += 1) await expect(verifier.verify('u1', { code: '000000' }, null, {})).rejects.toBeInstanceOf(MfaCodeInvalidError);
    await expect(verifier.checkThrottle('u1', {})).rejects.toMatchObject({ code: 'too_many_attempts', retryAfterSeconds: expect.any(Number) });
    expect(events.filter(([name]) => name === 'authkit.mfa.failed')).toHaveLength(3);
    expect(JSON.stringify(events)).not.toContain('000000');
  });
});
