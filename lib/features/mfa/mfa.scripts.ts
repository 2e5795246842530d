/**
 * Lua scripts of the Redis MFA stores. Every key of a user carries the user's hash tag `{<userId>}` (see
 * `RedisKeys`), so each script touches one slot (Redis Cluster safe). Times are ARGV `now` (the app's clock).
 *
 * Factors: hash `<p>:{u}:mfa` with `t` (TOTP secret, encrypted), `p` + `pe` (pending secret, its expiry), `s` (last
 * TOTP step accepted, kept when the factors are removed); set `<p>:{u}:mfa:rc` (SHA-256 of the unused recovery codes).
 * Challenges: hash `<p>:{u}:mfa:c:<sha256(token)>` with `r` (record JSON), `e` (expiry), `n` (attempts left), PXAT
 * its expiry. Failures: hash `<p>:{u}:mfa:f` with `c` (count), `r` (window end), PXAT the window end.
 */

/** KEYS: factors, codes. ARGV: step, now, code hashes... -> 'confirmed' | 'no_pending' | 'replayed'. */
export const MFA_CONFIRM_TOTP = `
local f = redis.call('HMGET', KEYS[1], 'p', 'pe', 's')
if not f[1] or tonumber(f[2] or '0') <= tonumber(ARGV[2]) then return 'no_pending' end
local step = tonumber(ARGV[1])
if f[3] and step <= tonumber(f[3]) then return 'replayed' end
redis.call('HSET', KEYS[1], 't', f[1], 's', ARGV[1])
redis.call('HDEL', KEYS[1], 'p', 'pe')
redis.call('DEL', KEYS[2])
if #ARGV > 2 then redis.call('SADD', KEYS[2], unpack(ARGV, 3)) end
return 'confirmed'
`;

/** KEYS: factors. ARGV: step -> 1 when accepted (TOTP on and the step later than the last one), else 0. */
export const MFA_ACCEPT_STEP = `
local f = redis.call('HMGET', KEYS[1], 't', 's')
if not f[1] then return 0 end
if f[2] and tonumber(ARGV[1]) <= tonumber(f[2]) then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[1])
return 1
`;

/** KEYS: factors, codes. ARGV: code hash -> codes left, or -1 when not one of them (or no TOTP). */
export const MFA_USE_RECOVERY_CODE = `
if redis.call('HEXISTS', KEYS[1], 't') == 0 then return -1 end
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return -1 end
return redis.call('SCARD', KEYS[2])
`;

/** KEYS: factors, codes. ARGV: code hashes... -> 1 when replaced, 0 without TOTP. */
export const MFA_REPLACE_CODES = `
if redis.call('HEXISTS', KEYS[1], 't') == 0 then return 0 end
redis.call('DEL', KEYS[2])
if #ARGV > 0 then redis.call('SADD', KEYS[2], unpack(ARGV)) end
return 1
`;

/** KEYS: factors, codes. -> 1 when TOTP was on. The last step stays (a code is never accepted twice). */
export const MFA_REMOVE_ALL = `
local had = redis.call('HEXISTS', KEYS[1], 't')
redis.call('HDEL', KEYS[1], 't', 'p', 'pe')
redis.call('DEL', KEYS[2])
return had
`;

/** KEYS: challenge, failures. ARGV: now, windowMs -> {attempts left, user failures}. */
export const MFA_FAIL = `
local now = tonumber(ARGV[1])
local left = 0
if KEYS[1] ~= KEYS[2] then
  local c = redis.call('HMGET', KEYS[1], 'e', 'n')
  if c[1] and tonumber(c[1]) > now and tonumber(c[2]) > 0 then
    left = redis.call('HINCRBY', KEYS[1], 'n', -1)
    if left <= 0 then redis.call('DEL', KEYS[1]) end
  end
end
local w = redis.call('HMGET', KEYS[2], 'c', 'r')
local count, reset = 0, now + tonumber(ARGV[2])
if w[2] and tonumber(w[2]) > now then count, reset = tonumber(w[1]), tonumber(w[2]) end
count = count + 1
redis.call('HSET', KEYS[2], 'c', count, 'r', reset)
redis.call('PEXPIREAT', KEYS[2], reset)
return {left, count}
`;

/** KEYS: challenge. ARGV: now, consume (1 to delete it) -> the record, or false when not live. */
export const MFA_CHALLENGE = `
local c = redis.call('HMGET', KEYS[1], 'r', 'e', 'n')
if not c[1] then return false end
if tonumber(c[2]) <= tonumber(ARGV[1]) or tonumber(c[3]) <= 0 then
  redis.call('DEL', KEYS[1])
  return false
end
if ARGV[2] == '1' then redis.call('DEL', KEYS[1]) end
return c[1]
`;
