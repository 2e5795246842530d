/**
 * The Redis scripts of `RedisApiKeyStore`. KEYS[1] is the user's key hash `<prefix>:{<userId>}:ak`; per key (ids are
 * base64url, never containing `:` or `|`):
 * - `<id>`: the head, `<secret hash>|<credential version>|<expiry, epoch ms, 0: never>|<scopes, space-separated>` (a
 *   scope never contains a space or `|`): all a check reads of the key;
 * - `<id>:m`: JSON `{ n: name, c: created }` (for lists only);
 * - `<id>:u`: last used (epoch ms); `<id>:w` and `<id>:n`: the throttle window's start (epoch ms) and count;
 * and `:o`, the owner as last read from the user store: `<credential version>|<read at>|<roles, JSON>`.
 * KEYS[2] is the user's session hash (`RedisSessionStore`): its `:v` field is the credential floor the kernel raises
 * atomically with every change of credentials (password, disable), so a key dies at the very next request, before
 * any event is handled. Both keys share the user's hash tag: one slot. No JSON is decoded in the scripts.
 */

/**
 * ARGV: id, presented hash, now, last-used granularity ms, limit (0: none), window ms.
 * Returns 0 (invalid), `{2, retryAfterMs}` (throttled) or `{1, scopes, owner or '', credential version}`. Kept lean
 * (it runs on every request): one HMGET, one HGET, one HINCRBY (the throttle), an HSET once a minute. The hashes
 * are compared inside Redis: both are SHA-256 of 256-bit secrets, so the comparison's timing reveals nothing useful.
 */
export const CHECK_API_KEY = `
local id = ARGV[1]
local got = redis.call('HMGET', KEYS[1], id, ':o', id .. ':u', id .. ':w')
if not got[1] then return 0 end
local h, v, e, scopes = string.match(got[1], '^([^|]*)|(%d+)|(%d+)|(.*)$')
if h ~= ARGV[2] then return 0 end
local now = tonumber(ARGV[3])
e = tonumber(e)
if e > 0 and e <= now then return 0 end
v = tonumber(v)
local floor = redis.call('HGET', KEYS[2], ':v')
if floor and tonumber(floor) > v then return 0 end
if got[2] and tonumber(string.match(got[2], '^%d+')) > v then return 0 end
local limit = tonumber(ARGV[5])
if limit > 0 then
  local start = tonumber(got[4] or '0')
  local window = tonumber(ARGV[6])
  if now - start >= window then
    redis.call('HSET', KEYS[1], id .. ':w', ARGV[3], id .. ':n', 1)
  elseif redis.call('HINCRBY', KEYS[1], id .. ':n', 1) > limit then
    return {2, start + window - now}
  end
end
if now - tonumber(got[3] or '0') >= tonumber(ARGV[4]) then redis.call('HSET', KEYS[1], id .. ':u', ARGV[3]) end
return {1, scopes, got[2] or '', v}
`;

/** Deletes the keys that are expired or older than `floor` (and their fields); returns how many live ones are left. */
const PRUNE = `
local function prune(key, now, floor)
  local flat = redis.call('HGETALL', key)
  local live = 0
  for i = 1, #flat, 2 do
    local id = flat[i]
    if not string.find(id, ':', 1, true) then
      local v, e = string.match(flat[i + 1], '^[^|]*|(%d+)|(%d+)|')
      e = tonumber(e)
      if (e > 0 and e <= now) or tonumber(v) < floor then
        redis.call('HDEL', key, id, id .. ':m', id .. ':u', id .. ':w', id .. ':n')
      else
        live = live + 1
      end
    end
  end
  return live
end
local function floorOf(owner, sessions)
  local floor = tonumber(redis.call('HGET', sessions, ':v') or '0')
  if owner then
    local v = tonumber(string.match(owner, '^(%d+)|'))
    if v > floor then floor = v end
  end
  return floor
end
`;

/** ARGV: id, head, meta, owner, max keys, now. Prunes, then stores the key and the owner; 0 when at the maximum. */
export const CREATE_API_KEY = `${PRUNE}
redis.call('HSET', KEYS[1], ':o', ARGV[4])
if prune(KEYS[1], tonumber(ARGV[6]), floorOf(ARGV[4], KEYS[2])) >= tonumber(ARGV[5]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2], ARGV[1] .. ':m', ARGV[3])
return 1
`;

/** ARGV: now. Prunes the dead keys; returns the hash's fields. */
export const LIST_API_KEYS = `${PRUNE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
prune(KEYS[1], tonumber(ARGV[1]), floorOf(redis.call('HGET', KEYS[1], ':o'), KEYS[2]))
return redis.call('HGETALL', KEYS[1])
`;

/** ARGV: owner. Records the owner when the user has keys, never lowering its credential version. */
export const SET_API_KEY_OWNER = `
local current = redis.call('HGET', KEYS[1], ':o')
if not current then return 0 end
if tonumber(string.match(current, '^(%d+)|')) > tonumber(string.match(ARGV[1], '^(%d+)|')) then return 0 end
redis.call('HSET', KEYS[1], ':o', ARGV[1])
return 1
`;

/** Deletes every key of the user; returns how many there were. */
export const REVOKE_ALL_API_KEYS = `
local n = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if not string.find(field, ':', 1, true) then n = n + 1 end
end
redis.call('DEL', KEYS[1])
return n
`;
