import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../../lib/core/tokens/constant-time';
import { mintOneTimeToken, parseOneTimeToken, sameHash } from '../../../lib/core/tokens/one-time-token';

/** One-time tokens `<base64url(userId)>.<43-char secret>`: what is minted, what parses, and what is refused. */
const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64url');
const SECRET = 's'.repeat(43);
const hashOf = (kind: string, secret: string): string => createHash('sha256').update(`${kind}\n${secret}`).digest('base64url');

describe('one-time tokens', () => {
  it('mints <base64url(user)>.<43-char random secret> and stores only SHA-256 of kind and secret', () => {
    const minted = mintOneTimeToken('password_reset', 'user-1');
    const [userPart, secret, ...rest] = minted.token.split('.');
    expect(rest).toEqual([]);
    expect(userPart).toBe(b64('user-1'));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(minted).toEqual({ token: minted.token, userId: 'user-1', hash: hashOf('password_reset', secret) });
    expect(mintOneTimeToken('password_reset', 'user-1').token).not.toBe(minted.token);
    expect(parseOneTimeToken('password_reset', minted.token)).toEqual({ userId: 'user-1', hash: minted.hash });
  });

  it('refuses to mint for a kind that is not a snake_case name', () => {
    expect(() => mintOneTimeToken('Password-Reset', 'user-1')).toThrow(
      'nestjs-authkit: one-time token kind: "Password-Reset" is not a snake_case kind name (e.g. password_reset)',
    );
    expect(() => mintOneTimeToken('', 'user-1')).toThrow(/not a snake_case kind name/);
  });

  it('binds the hash to the kind: a token of one kind never matches the hash stored for another', () => {
    const minted = mintOneTimeToken('email_verification', 'user-1');
    const asOtherKind = parseOneTimeToken('password_reset', minted.token);
    expect(asOtherKind?.userId).toBe('user-1');
    expect(asOtherKind?.hash).toBe(hashOf('password_reset', minted.token.split('.')[1]));
    expect(sameHash(asOtherKind!.hash, minted.hash)).toBe(false);
  });

  it('parses user ids of any length up to 256 bytes', () => {
    const longest = 'é'.repeat(128);
    expect(parseOneTimeToken('password_reset', `${b64(longest)}.${SECRET}`)).toEqual({ userId: longest, hash: hashOf('password_reset', SECRET) });
    expect(parseOneTimeToken('password_reset', `${b64('a'.repeat(258))}.${SECRET}`)?.userId).toBe('a'.repeat(258));
  });

  it('answers null, never throws, for anything malformed', () => {
    const parse = (token: unknown) => parseOneTimeToken('password_reset', token);
    for (const token of [undefined, null, 42, {}, '', '.', 'abc']) expect(parse(token)).toBeNull();
    const user = b64('user-1');
    expect(parse(`${user}.${SECRET}`)).not.toBeNull();
    expect(parse(`.${SECRET}`)).toBeNull();
    expect(parse(`${SECRET}`)).toBeNull();
    // No dot at all, though both halves of a split at the last character would decode ('A' * 42 is 31 NUL bytes).
    expect(parse('A'.repeat(43))).toBeNull();
    expect(parse('A'.repeat(44))).toBeNull();
    expect(parse(`${user}.${SECRET}.`)).toBeNull();
    expect(parse(`${user}.x.${SECRET}`)).toBeNull();
    expect(parse(`${user}.${SECRET.slice(1)}`)).toBeNull();
    expect(parse(`${user}.${SECRET}s`)).toBeNull();
    expect(parse(`${user}.${SECRET.slice(1)}+`)).toBeNull();
    expect(parse(`${user}.${SECRET.slice(1)}=`)).toBeNull();
    expect(parse(`${user.slice(0, -1)}+.${SECRET}`)).toBeNull();
    expect(parse(`us er.${SECRET}`)).toBeNull();
    // 'A' decodes to no byte: an empty user id.
    expect(parse(`A.${SECRET}`)).toBeNull();
    // 'QR' decodes to 'A' like the canonical 'QQ': one spelling per token.
    expect(parse(`QQ.${SECRET}`)?.userId).toBe('A');
    expect(parse(`QR.${SECRET}`)).toBeNull();
    expect(parse(`${b64(Buffer.from([0xff, 0xfe]))}.${SECRET}`)).toBeNull();
  });

  it('refuses a token longer than 344 + 1 + 43 characters before decoding it', () => {
    const longest = `${b64('a'.repeat(258))}.${SECRET}`;
    expect(longest).toHaveLength(344 + 1 + 43);
    expect(parseOneTimeToken('password_reset', longest)?.userId).toBe('a'.repeat(258));
    expect(parseOneTimeToken('password_reset', `${b64('a'.repeat(259))}.${SECRET}`)).toBeNull();
  });

  it('compares hashes with the constant-time helper', () => {
    expect(sameHash).toBe(constantTimeEqual);
  });
});
