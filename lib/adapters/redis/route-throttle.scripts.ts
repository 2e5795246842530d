/**
 * Lua scripts of `RedisRouteThrottle`. Each touches ONE key (single slot, Redis Cluster safe) whose value is
 * `<count>:<window end>` (epoch ms). Decisions compare the window end with ARGV `now` (the app's clock, like
 * the login throttler); the key's PX TTL only lets Redis drop it once the window is over.
 */

/**
 * KEYS: counter. ARGV: limit, windowMs, now.
 * Returns {1, count} after charging the request, or {0, retryAfterMs} when the window is full (nothing charged).
 */
export const ROUTE_THROTTLE_HIT = `
local now = tonumber(ARGV[3])
local n, windowEnd = 0, now + tonumber(ARGV[2])
local v = redis.call('GET', KEYS[1])
if v then
  local sep = string.find(v, ':', 1, true)
  local storedEnd = sep and tonumber(string.sub(v, sep + 1))
  if storedEnd and storedEnd > now then
    n = tonumber(string.sub(v, 1, sep - 1)) or 0
    windowEnd = storedEnd
  end
end
if n >= tonumber(ARGV[1]) then return {0, windowEnd - now} end
n = n + 1
redis.call('SET', KEYS[1], n .. ':' .. windowEnd, 'PX', windowEnd - now)
return {1, n}
`;

/** KEYS: counter. ARGV: now. Uncharges one request of the current window (never below zero). */
export const ROUTE_THROTTLE_REFUND = `
local now = tonumber(ARGV[1])
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local sep = string.find(v, ':', 1, true)
if not sep then return 0 end
local n, windowEnd = tonumber(string.sub(v, 1, sep - 1)), tonumber(string.sub(v, sep + 1))
if not n or not windowEnd or windowEnd <= now or n <= 0 then return 0 end
redis.call('SET', KEYS[1], (n - 1) .. ':' .. windowEnd, 'KEEPTTL')
return 1
`;
