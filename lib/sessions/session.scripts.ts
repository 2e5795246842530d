/**
 * Lua scripts of `RedisSessionStore`. Each runs atomically in one round trip. Session hash fields:
 * c current secret hash, p previous hash, r rotated-at, g generation, ca created-at, la last-used-at,
 * ax absolute expiry, ip, and the user agent in pieces of at most 64 bytes: ua, ua1, ua2... (a longer
 * value would turn the whole hash from a compact listpack into a hashtable, over twice the memory:
 * Redis' hash-max-listpack-value is 64 by default). Times are epoch ms passed in by the caller. The
 * user id is not stored: it is in the key.
 */

/** KEYS: session, index. ARGV: sessionId, userId (unused), hash, now, idleTtlMs, absoluteTtlMs, maxSessions, ip, ua, sessionBase. */
export const CREATE_SESSION = `
local now = tonumber(ARGV[4])
local idle = tonumber(ARGV[5])
local absolute = tonumber(ARGV[6])
local max = tonumber(ARGV[7])
local base = ARGV[10]
local fields = {'c', ARGV[3], 'g', 1, 'ca', now, 'la', now, 'ax', now + absolute, 'ip', ARGV[8]}
local ua = ARGV[9]
for i = 0, math.ceil(#ua / 64) - 1 do
  fields[#fields + 1] = i == 0 and 'ua' or ('ua' .. i)
  fields[#fields + 1] = string.sub(ua, i * 64 + 1, i * 64 + 64)
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], math.min(idle, absolute))
redis.call('ZADD', KEYS[2], now, ARGV[1])
local live = {}
for _, sid in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', base .. sid) == 1 then
    live[#live + 1] = sid
  else
    redis.call('ZREM', KEYS[2], sid)
  end
end
local evicted = 0
for i = 1, #live - max do
  redis.call('DEL', base .. live[i])
  redis.call('ZREM', KEYS[2], live[i])
  evicted = evicted + 1
end
if redis.call('PTTL', KEYS[2]) < absolute then
  redis.call('PEXPIRE', KEYS[2], absolute)
end
return evicted
`;

/**
 * KEYS: session, index. ARGV: presentedHash, nextHash, now, idleTtlMs, reuseWindowMs, sessionId, ip.
 * Returns {1, generation, createdAt, absoluteExpiry} rotated, {2} superseded, {3} reused (session deleted), {0} invalid.
 */
export const ROTATE_SESSION = `
local s = redis.call('HMGET', KEYS[1], 'c', 'p', 'r', 'ax', 'g', 'ca')
if not s[1] then return {0} end
local now = tonumber(ARGV[3])
if s[1] == ARGV[1] then
  local ttl = math.min(tonumber(ARGV[4]), tonumber(s[4]) - now)
  if ttl <= 0 then
    redis.call('DEL', KEYS[1])
    redis.call('ZREM', KEYS[2], ARGV[6])
    return {0}
  end
  local g = tonumber(s[5]) + 1
  redis.call('HSET', KEYS[1], 'c', ARGV[2], 'p', s[1], 'r', now, 'g', g, 'la', now)
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'ip', ARGV[7]) end
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, g, tonumber(s[6]), tonumber(s[4])}
end
if s[2] and s[2] == ARGV[1] and now - tonumber(s[3]) < tonumber(ARGV[5]) then
  return {2}
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[6])
return {3}
`;

/** KEYS: index. ARGV: sessionBase. Returns a flat list: id, createdAt, lastUsedAt, absoluteExpiry, generation, ip, ua, pttl, ... */
export const LIST_SESSIONS = `
local out = {}
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. sid
  local s = redis.call('HMGET', key, 'ca', 'la', 'ax', 'g', 'ip', 'ua')
  if s[1] then
    if s[6] then
      local i = 1
      local piece = redis.call('HGET', key, 'ua' .. i)
      while piece do
        s[6] = s[6] .. piece
        i = i + 1
        piece = redis.call('HGET', key, 'ua' .. i)
      end
    end
    out[#out + 1] = sid
    for i = 1, 6 do out[#out + 1] = s[i] or '' end
    out[#out + 1] = redis.call('PTTL', key)
  else
    redis.call('ZREM', KEYS[1], sid)
  end
end
return out
`;

/** KEYS: session, index. ARGV: sessionId. Returns 1 when the session existed. */
export const REVOKE_SESSION = `
local n = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return n
`;

/** KEYS: index. ARGV: sessionBase. Returns the number of sessions deleted. */
export const REVOKE_ALL_SESSIONS = `
local n = 0
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  n = n + redis.call('DEL', ARGV[1] .. sid)
end
redis.call('DEL', KEYS[1])
return n
`;
