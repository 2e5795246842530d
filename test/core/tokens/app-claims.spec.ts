import { appClaimsOf, checkAppClaims, checkClaimName, DEFAULT_MAX_CLAIMS_BYTES, RESERVED_CLAIMS } from '../../../lib/core/tokens/app-claims';

/** An app's own access-token claims: the names it may use, what `claims()` may return, and what a verified token yields. */
describe('app claims', () => {
  it('reserves the registered, JOSE and library claim names, and prototype names', () => {
    for (const name of ['sub', 'sid', 'roles', 'email', 'iat', 'exp', 'nbf', 'iss', 'aud', 'jti', 'typ', 'kid', 'alg', 'cnf', 'scope', 'client_id', 'azp', 'auth_time', 'amr', 'cv', '__proto__', 'constructor', 'prototype']) {
      expect(RESERVED_CLAIMS.has(name)).toBe(true);
      expect(() => checkClaimName(name)).toThrow(`nestjs-authkit: option "claims" uses the reserved claim name "${name}"`);
    }
    expect(RESERVED_CLAIMS.size).toBe(23);
    expect(DEFAULT_MAX_CLAIMS_BYTES).toBe(1024);
  });

  it('accepts simple names up to 64 characters and refuses the rest, naming the option', () => {
    for (const name of ['tenant', '_x', 'a.b:c-d_e', 'T', `a${'b'.repeat(63)}`]) expect(() => checkClaimName(name)).not.toThrow();
    for (const name of ['', '1st', '-x', 'a b', 'é', `a${'b'.repeat(64)}`, 'a/b']) {
      expect(() => checkClaimName(name, 'claims.names')).toThrow(`nestjs-authkit: option "claims.names": claim name ${JSON.stringify(name)} is not a simple name`);
    }
    expect(() => checkClaimName('sub', 'claims.names')).toThrow('option "claims.names" uses the reserved claim name "sub"');
  });

  it('checkAppClaims: nothing for null/undefined; a plain object only', () => {
    expect(checkAppClaims(undefined, 100)).toEqual({});
    expect(checkAppClaims(null, 100)).toEqual({});
    for (const bad of ['x', 1, true, [1]]) expect(() => checkAppClaims(bad, 100)).toThrow('nestjs-authkit: claims() must return a plain object');
  });

  it('checkAppClaims: a frozen JSON copy; reserved, unlisted and oversized claims refused', () => {
    const given = { tenant: 't1', nested: { a: [1, 2] } };
    const checked = checkAppClaims(given, 100);
    expect(checked).toEqual(given);
    expect(checked).not.toBe(given);
    expect(Object.isFrozen(checked)).toBe(true);
    expect(() => checkAppClaims({ sub: 'x' }, 100)).toThrow('uses the reserved claim name "sub"');
    expect(() => checkAppClaims(JSON.parse('{"__proto__": 1}'), 100)).toThrow('uses the reserved claim name "__proto__"');
    expect(checkAppClaims({ tenant: 't' }, 100, new Set(['tenant']))).toEqual({ tenant: 't' });
    expect(() => checkAppClaims({ plan: 'p' }, 100, new Set(['tenant']))).toThrow('nestjs-authkit: claims() returned "plan", which is not in claims.names');
    // {"a":"xxxx"} is 12 bytes; an 'é' counts 2.
    expect(checkAppClaims({ a: 'xxxx' }, 12)).toEqual({ a: 'xxxx' });
    expect(() => checkAppClaims({ a: 'xxxxx' }, 12)).toThrow('nestjs-authkit: claims() returned 13 bytes of JSON, more than claims.maxBytes (12)');
    expect(() => checkAppClaims({ a: 'xxxé' }, 12)).toThrow('returned 13 bytes of JSON');
  });

  it('appClaimsOf: the claims outside the reserved names, frozen; the same empty object when none', () => {
    const found = appClaimsOf({ sub: 'u', sid: 's', exp: 1, tenant: 't1', plan: 'pro' });
    expect(found).toEqual({ tenant: 't1', plan: 'pro' });
    expect(Object.isFrozen(found)).toBe(true);
    const none = appClaimsOf({ sub: 'u', sid: 's', roles: [] });
    expect(none).toEqual({});
    expect(Object.isFrozen(none)).toBe(true);
    expect(appClaimsOf({ iat: 1 })).toBe(none);
  });
});
