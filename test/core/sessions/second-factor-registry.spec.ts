import { SecondFactorRegistry, type SecondFactorMethod, ValidationFailedError } from '../../../lib';

function method(proofs: SecondFactorMethod['proofs'], methods: string[], status: Record<string, unknown>, options: { required?: boolean; challenge?: boolean } = {}) {
  const calls: string[] = [];
  const entry: SecondFactorMethod = {
    proofs,
    methods: async () => methods,
    status: async () => status,
    verify: async (userId, _proof, check) => {
      calls.push(`verify ${userId} ${check.purpose} ${check.binding}`);
      return ['mfa'];
    },
    removeAll: async (userId, _client, actorId) => {
      calls.push(`removeAll ${userId} ${actorId ?? ''}`);
      return methods.length > 0;
    },
    ...(options.required === undefined ? {} : { requiredFor: () => options.required! }),
    ...(options.challenge ? { challenge: async (userId: string, binding: string | null) => ({ userId, binding }) } : {}),
  };
  return { entry, calls };
}

/** The kernel's registry: features register their kinds of second factor; nobody imports another feature. */
describe('SecondFactorRegistry', () => {
  it('without any method: no user is enrolled, step-up asks for the password, removing does nothing', async () => {
    const registry = new SecondFactorRegistry();
    expect(await registry.summary('u1')).toBeUndefined();
    await expect(registry.reauthenticate('u1', { code: '123456' }, {})).rejects.toBeInstanceOf(ValidationFailedError);
    expect(await registry.removeAll('u1', {})).toBe(false);
    expect(registry.requiredFor({ roles: ['admin'] })).toBe(false);
  });

  it('merges methods and status in registration order, but the one excepted', async () => {
    const registry = new SecondFactorRegistry();
    const totp = method(['code', 'recoveryCode'], ['totp', 'recovery_code'], { totp: true, recoveryCodesLeft: 3 }, { required: true });
    const passkey = method(['passkey'], ['passkey'], { passkeys: 2 }, { challenge: true });
    registry.register(totp.entry);
    registry.register(passkey.entry);
    registry.register(passkey.entry);
    expect(await registry.methods('u1')).toEqual(['totp', 'recovery_code', 'passkey']);
    expect(await registry.methods('u1', totp.entry)).toEqual(['passkey']);
    expect(await registry.status('u1')).toEqual({ totp: true, recoveryCodesLeft: 3, passkeys: 2 });
    // GET /auth/me's mfa (and whether @RequireRecentAuth({ secondFactor: true }) asks for one): every kind's methods.
    expect(await registry.summary('u1')).toEqual({ enrolled: true, methods: ['totp', 'recovery_code', 'passkey'], recoveryCodesLeft: 3 });
    expect(registry.requiredFor({ roles: [] })).toBe(true);
    expect(registry.methodFor({ passkey: {} })).toBe(passkey.entry);
    expect(registry.methodFor({ recoveryCode: 'x' })).toBe(totp.entry);
    expect(registry.methodFor('passkey')).toBe(passkey.entry);
    expect(registry.methodFor('code')).toBeUndefined(); // TOTP needs no server challenge
    await registry.reauthenticate('u1', { passkey: {} }, {});
    expect(passkey.calls).toEqual(['verify u1 reauthenticate null']);
    expect(await registry.removeAll('u1', {}, { actorId: 'admin', except: totp.entry })).toBe(true);
    expect(totp.calls).toEqual([]);
    expect(passkey.calls.at(-1)).toBe('removeAll u1 admin');
  });

  it('a proof field claimed by two methods is a mistake', () => {
    const registry = new SecondFactorRegistry();
    registry.register(method(['code'], [], {}).entry);
    expect(() => registry.register(method(['code', 'passkey'], [], {}).entry)).toThrow(/second-factor proof code is registered twice/);
  });
});
