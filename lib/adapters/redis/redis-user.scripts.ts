/**
 * Lua scripts of `RedisUserStore`. Each touches keys of one hash slot only.
 */

/**
 * KEYS[1] user hash; ARGV field, value[, field, value...]. Sets the fields only if the user exists (its
 * hash has an `id`, as `findById` reads it), so an update of an unknown id creates no key. Returns 1 when
 * applied, 0 when the user does not exist.
 */
export const SET_IF_USER_EXISTS = `
if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/** KEYS[1] key; ARGV[1] expected value. Deletes the key only if it still holds that value. */
export const DELETE_IF_EQUALS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/**
 * KEYS[1] user hash, KEYS[2] identities hash; ARGV[1] provider.
 * Returns {0} not found, {-1} refused (last way to sign in), {1, entry} removed.
 */
export const UNLINK_IDENTITY = `
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then return {0} end
local pwd = redis.call('HGET', KEYS[1], 'pwd')
if (not pwd or pwd == '') and redis.call('HLEN', KEYS[2]) <= 1 then return {-1} end
redis.call('HDEL', KEYS[2], ARGV[1])
return {1, entry}
`;

/**
 * KEYS[1] user hash; ARGV[1] credential field (`pwd` or `dis`), ARGV[2] new value, ARGV[3] `''` or, for a
 * rehash, the value the field must still hold. Only if the user exists. A change of the field increments
 * `cv` (the credential version) in the same script; a rehash replaces the value only if it is still
 * ARGV[3] and leaves `cv` alone. An absent `dis` counts as `0`. Returns 1 when applied, 0 otherwise.
 */
export const SET_CREDENTIAL = `
if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return 0 end
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if ARGV[1] == 'dis' and current == '' then current = '0' end
if ARGV[3] ~= '' then
  if current ~= ARGV[3] then return 0 end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
if current ~= ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'cv', 1)
end
return 1
`;
