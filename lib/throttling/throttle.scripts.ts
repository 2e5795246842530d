/**
 * Lua scripts of `RedisLoginThrottler`. Each touches the two keys of one counter (`<...>:n` the count,
 * `<...>:b` the block, both under one hash tag: single slot, Redis Cluster safe) and runs atomically in
 * one round trip. Durations are milliseconds.
 */

/**
 * KEYS: counter, block. ARGV: limit, windowMs, blockMs, maxBlockMs.
 * Returns {0, retryAfterMs} while blocked (nothing counted), else {1, count}: INCR, PEXPIRE on the first
 * attempt of a window and, once the count reaches the limit, a block of blockMs * 2^(count - limit)
 * (capped) whose value is the count that set it. The counter outlives the block by a window, so the
 * back-off keeps growing while failures continue.
 */
export const THROTTLE_HIT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked} end
local n = redis.call('INCR', KEYS[1])
local window = tonumber(ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], window)
  ttl = window
end
local limit = tonumber(ARGV[1])
if n >= limit then
  local ms = math.floor(math.min(tonumber(ARGV[3]) * math.pow(2, math.min(n - limit, 40)), tonumber(ARGV[4])))
  redis.call('SET', KEYS[2], n, 'PX', ms)
  if ttl < ms + window then redis.call('PEXPIRE', KEYS[1], ms + window) end
end
return {1, n}
`;

/**
 * KEYS: counter, block. ARGV: the count the attempt got. Uncounts one attempt (never below zero) and
 * lifts the block if that attempt is the one that set it.
 */
export const THROTTLE_UNDO = `
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n and n > 0 then redis.call('DECR', KEYS[1]) end
return 1
`;
