/**
 * Lua scripts of `RedisSessionStore`. Each runs atomically in one round trip on one key.
 *
 * Layout: all sessions of a user live in ONE hash (`authkit:{<userId>}:s`), one record per session.
 * A record is one comma-separated string
 *
 *     ca,r,g,c,p,ip,ua
 *
 * ca created-at and r last rotation (= last use; = ca before the first rotation): epoch ms in base 36.
 * g generation (decimal). c the current refresh secret hash (22 characters, 128 bits); p the first 11
 * characters (64 bits) of the previous one, empty before the first rotation: it only tells a concurrent
 * duplicate from a replayed old token, for which 64 bits are plenty. ip, then the user agent as the rest
 * of the string (it may contain commas).
 *
 * A session expires at min(r + idleTtlMs, ca + absoluteTtlMs), computed with the store's current
 * settings (so a shorter lifetime in the configuration applies to existing sessions too).
 *
 * The record is stored in pieces of at most 64 bytes under the fields `<sid>`, `<sid>:1`, `<sid>:2`...
 * so the hash stays a compact listpack (Redis' hash-max-listpack-value is 64 by default; one longer
 * value turns the whole hash into a hashtable at over twice the memory). The first piece starts with
 * `ca,r`, so the guard's check is one HGET of `<sid>`.
 *
 * Fields do not expire by themselves (no per-field TTL before Redis 7.4): the key's TTL is kept at
 * least the latest expiry of its sessions, every script treats an expired record as absent, and the
 * writing scripts delete such records.
 */

/** Shared helpers, prepended to every script. */
const HELPERS = `
local DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'
local function b36(n)
  local s = ''
  repeat
    local d = n % 36
    s = string.sub(DIGITS, d + 1, d + 1) .. s
    n = math.floor(n / 36)
  until n == 0
  return s
end
local function expiry(record, idle, absolute)
  local ca, r = string.match(record, '^(%w+),(%w+),')
  if not ca then return 0 end
  return math.min(tonumber(r, 36) + idle, tonumber(ca, 36) + absolute)
end
local function load(key, sid)
  local head = redis.call('HGET', key, sid)
  if not head then return nil, 0 end
  local parts = {head}
  local n = 1
  while true do
    local piece = redis.call('HGET', key, sid .. ':' .. n)
    if not piece then break end
    parts[#parts + 1] = piece
    n = n + 1
  end
  return table.concat(parts), n - 1
end
local function save(key, sid, record, oldPieces)
  local count = math.ceil(#record / 64)
  local args = {}
  for i = 0, count - 1 do
    args[#args + 1] = i == 0 and sid or (sid .. ':' .. i)
    args[#args + 1] = string.sub(record, i * 64 + 1, i * 64 + 64)
  end
  redis.call('HSET', key, unpack(args))
  for i = count, oldPieces do redis.call('HDEL', key, sid .. ':' .. i) end
end
local function drop(key, sid)
  local n = 1
  while redis.call('HDEL', key, sid .. ':' .. n) == 1 do n = n + 1 end
  return redis.call('HDEL', key, sid)
end
local function keepUntil(key, until_, now)
  if redis.call('PTTL', key) < until_ - now then redis.call('PEXPIRE', key, until_ - now) end
end
`;

/**
 * KEYS: sessions. ARGV: sessionId, record, now, idleTtlMs, absoluteTtlMs, maxSessions.
 * Deletes expired records, evicts the oldest sessions beyond maxSessions (counting the new one), stores
 * the record. Returns the number evicted, or -1 when the session id is taken (nothing written).
 */
export const CREATE_SESSION = `${HELPERS}
local key = KEYS[1]
local sid = ARGV[1]
local now = tonumber(ARGV[3])
local idle = tonumber(ARGV[4])
local absolute = tonumber(ARGV[5])
local max = tonumber(ARGV[6])
if redis.call('HEXISTS', key, sid) == 1 then return -1 end
local flat = redis.call('HGETALL', key)
local live = {}
local heads = {}
for i = 1, #flat, 2 do
  local field = flat[i]
  local colon = string.find(field, ':', 1, true)
  if not colon then
    heads[field] = true
    if expiry(flat[i + 1], idle, absolute) <= now then
      drop(key, field)
    else
      live[#live + 1] = {field, tonumber(string.match(flat[i + 1], '^(%w+),'), 36)}
    end
  elseif not heads[string.sub(field, 1, colon - 1)] and redis.call('HEXISTS', key, string.sub(field, 1, colon - 1)) == 0 then
    redis.call('HDEL', key, field)
  end
end
table.sort(live, function(a, b) return a[2] < b[2] or (a[2] == b[2] and a[1] < b[1]) end)
local evicted = 0
for i = 1, #live - max + 1 do
  drop(key, live[i][1])
  evicted = evicted + 1
end
save(key, sid, ARGV[2], 0)
keepUntil(key, math.min(now + idle, now + absolute), now)
return evicted
`;

/**
 * KEYS: sessions. ARGV: sessionId, presentedHash, nextHash, now, idleTtlMs, absoluteTtlMs, reuseWindowMs, ip ('' keeps it).
 * Returns {1, generation, createdAt} rotated, {2} superseded, {3} reused (session deleted), {0} invalid.
 */
export const ROTATE_SESSION = `${HELPERS}
local key = KEYS[1]
local sid = ARGV[1]
local now = tonumber(ARGV[4])
local idle = tonumber(ARGV[5])
local absolute = tonumber(ARGV[6])
local record, pieces = load(key, sid)
if not record then return {0} end
local ca, r, g, c, p, ip, ua = string.match(record, '^(%w+),(%w+),(%d+),([^,]*),([^,]*),([^,]*),(.*)$')
if not ca or expiry(record, idle, absolute) <= now then
  drop(key, sid)
  return {0}
end
if c == ARGV[2] then
  local expires = math.min(now + idle, tonumber(ca, 36) + absolute)
  if expires <= now then
    drop(key, sid)
    return {0}
  end
  local generation = tonumber(g) + 1
  if ARGV[8] ~= '' then ip = ARGV[8] end
  save(key, sid, table.concat({ca, b36(now), generation, ARGV[3], string.sub(c, 1, 11), ip, ua}, ','), pieces)
  keepUntil(key, expires, now)
  return {1, generation, tonumber(ca, 36)}
end
if p ~= '' and p == string.sub(ARGV[2], 1, 11) and now - tonumber(r, 36) < tonumber(ARGV[7]) then
  return {2}
end
drop(key, sid)
return {3}
`;

/** KEYS: sessions. ARGV: sessionId, now, idleTtlMs, absoluteTtlMs. Returns 1 when a live session was deleted. */
export const REVOKE_SESSION = `${HELPERS}
local head = redis.call('HGET', KEYS[1], ARGV[1])
if not head then return 0 end
drop(KEYS[1], ARGV[1])
if expiry(head, tonumber(ARGV[3]), tonumber(ARGV[4])) <= tonumber(ARGV[2]) then return 0 end
return 1
`;

/** KEYS: sessions. ARGV: now, idleTtlMs, absoluteTtlMs. Deletes the key; returns the number of live sessions it held. */
export const REVOKE_ALL_SESSIONS = `${HELPERS}
local now = tonumber(ARGV[1])
local idle = tonumber(ARGV[2])
local absolute = tonumber(ARGV[3])
local flat = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #flat, 2 do
  if not string.find(flat[i], ':', 1, true) and expiry(flat[i + 1], idle, absolute) > now then n = n + 1 end
end
redis.call('DEL', KEYS[1])
return n
`;
