import { RedisKeys } from '../../../lib/adapters/redis/redis-keys';

describe('RedisKeys: the user tag is one-to-one (issue 10, finding 12)', () => {
  const keys = new RedisKeys('authkit');

  it("the raw id 'b64.YWxpY2Ugc21pdGg' and the encoded form of 'alice smith' get different keys", () => {
    const encodedAlice = `b64.${Buffer.from('alice smith').toString('base64url')}`;
    expect(encodedAlice).toBe('b64.YWxpY2Ugc21pdGg');
    expect(keys.sessions(encodedAlice)).not.toBe(keys.sessions('alice smith'));
    expect(keys.user(encodedAlice)).not.toBe(keys.user('alice smith'));
    expect(keys.identities(encodedAlice)).not.toBe(keys.identities('alice smith'));
  });

  it('distinct ids never share a tag, and a tag never holds a brace', () => {
    const ids = [
      'alice', 'alice smith', 'b64.YWxpY2Ugc21pdGg', 'b64.', 'b64', 'B64.YWxpY2Ugc21pdGg', 'b64.b64.YWxpY2Ugc21pdGg',
      'a}b{c', '{a}', 'ünïcødé', '__proto__', 'x'.repeat(128), 'x'.repeat(129), 'user-1', 'user-1 ',
    ];
    ids.push(...ids.map((id) => `b64.${Buffer.from(id).toString('base64url')}`));
    const tags = new Map<string, string>();
    for (const id of ids) {
      const tag = keys.userTag(id);
      expect(tag).not.toMatch(/[{}]/);
      expect(tags.get(tag) ?? id).toBe(id);
      tags.set(tag, id);
    }
  });

  it('plain ids stay readable (no migration for them)', () => {
    expect(keys.sessions('user-1')).toBe('authkit:{user-1}:s');
    expect(keys.user('0b9c1e4e-4f7e-4f5e-9d7e-1f2e3d4c5b6a')).toBe('authkit:{0b9c1e4e-4f7e-4f5e-9d7e-1f2e3d4c5b6a}:user');
  });
});
