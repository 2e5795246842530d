/**
 * Lua scripts of `RedisLoginThrottler`. Each touches the two keys of one counter (`<...>:n` the count,
 * `<...>:b` the block, both under one hash tag: single slot, Redis Cluster safe) and runs atomically in
 * one round trip. Durations are milliseconds.
 */

/**
 * Values are `<count>:<until>`: the counter's count and the end of its window, the block's count that set it
 * and the end of the block (epoch milliseconds). Every decision compares those ends with ARGV `now`, never with
 * Redis' clock; key TTLs (PX, relative) only let Redis drop a key once it is over. A value without `:<until>`
 * (written by an older version) ends when its key expires.
 */
const PARSE = `
local function parse(key, now)
  local v = redis.call('GET', key)
  if not v then return nil, nil end
  local sep = string.find(v, ':', 1, true)
  if not sep then return tonumber(v), now + redis.call('PTTL', key) end
  return tonumber(string.sub(v, 1, sep - 1)), tonumber(string.sub(v, sep + 1))
end
`;

/**
 * KEYS: counter, block. ARGV: limit, windowMs, blockMs, maxBlockMs, now.
 * Returns {0, retryAfterMs} while blocked (nothing counted), else {1, count}: counts the attempt in the
 * window (a new window starts with the first attempt after the previous one ended) and, once the count
 * reaches the limit, sets a block of blockMs * 2^(count - limit) (capped) that records the count that set
 * it. The counter outlives the block by a window, so the back-off keeps growing while failures continue.
 */
export const THROTTLE_HIT = `${PARSE}
local now = tonumber(ARGV[5])
local _, blockedUntil = parse(KEYS[2], now)
if blockedUntil and blockedUntil > now then return {0, blockedUntil - now} end
local n, windowEnd = parse(KEYS[1], now)
if not n or not windowEnd or windowEnd <= now then
  n = 0
  windowEnd = now + tonumber(ARGV[2])
end
n = n + 1
local limit = tonumber(ARGV[1])
if n >= limit then
  local ms = math.floor(math.min(tonumber(ARGV[3]) * math.pow(2, math.min(n - limit, 40)), tonumber(ARGV[4])))
  redis.call('SET', KEYS[2], n .. ':' .. (now + ms), 'PX', ms)
  windowEnd = math.max(windowEnd, now + ms + tonumber(ARGV[2]))
end
redis.call('SET', KEYS[1], n .. ':' .. windowEnd, 'PX', windowEnd - now)
return {1, n}
`;

/**
 * KEYS: counter, block. ARGV: the count the attempt got, now. Uncounts one attempt (never below zero) and
 * lifts the block if that attempt is the one that set it.
 */
export const THROTTLE_UNDO = `${PARSE}
local now = tonumber(ARGV[2])
local blockedAt = parse(KEYS[2], now)
if blockedAt == tonumber(ARGV[1]) then redis.call('DEL', KEYS[2]) end
local n, windowEnd = parse(KEYS[1], now)
if n and n > 0 and windowEnd and windowEnd > now then
  redis.call('SET', KEYS[1], (n - 1) .. ':' .. windowEnd, 'KEEPTTL')
end
return 1
`;

/**
 * KEYS: counter, block. ARGV: the `now` the hit was sent with, limit, blockMs, maxBlockMs, now.
 * Cancels a hit whose reply never came (the command timed out, e.g. during `CLIENT PAUSE`, yet Redis ran it
 * later): sent on the same connection right after the timeout, it runs after that hit. A hit refused because
 * of a block counted nothing, so: while a block is active that this hit did not set (its end is not the hit's
 * `now` + the back-off for its count), nothing is undone; otherwise the block, if any, is lifted and the count
 * goes down by one (never below zero). Returns 1 when something was undone.
 */
export const THROTTLE_CANCEL = `${PARSE}
local hitNow, limit, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[5])
local blockedAt, blockedUntil = parse(KEYS[2], now)
if blockedAt and blockedUntil and blockedUntil > now then
  local ms = math.floor(math.min(tonumber(ARGV[3]) * math.pow(2, math.min(blockedAt - limit, 40)), tonumber(ARGV[4])))
  if blockedUntil ~= hitNow + ms then return 0 end
  redis.call('DEL', KEYS[2])
end
local n, windowEnd = parse(KEYS[1], now)
if n and n > 0 and windowEnd and windowEnd > now then
  redis.call('SET', KEYS[1], (n - 1) .. ':' .. windowEnd, 'KEEPTTL')
  return 1
end
return 0
`;
