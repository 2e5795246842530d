/**
 * The Lua scripts of `RedisSessionStore`, on the record layout documented in session-record.codec.ts (the one place
 * that knows the format; its ARGV builders and reply decoders are there).
 */
import { CREDENTIAL_FLOOR_RETENTION_MS } from '../../core/sessions/session-fields';
import { REAUTHENTICATION_FIELD } from './session-authentication.codec';

/** Fields after the head: the context field and up to four more pieces of the user agent. */
export const MAX_CONTEXT_FIELDS = 5;

/** The session's fields after the head: context, more user agent, and the step-up field (`REAUTHENTICATION_FIELD`). */
const CONTEXT_FIELDS_LUA = [...Array.from({ length: MAX_CONTEXT_FIELDS }, (_, i) => `sid .. ':${i + 1}'`), `sid .. ':${REAUTHENTICATION_FIELD}'`].join(', ');

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
local function expiry(head, idle, absolute)
  local ca, r = string.match(head, '^(%w+),(%w+),')
  if not ca then return 0 end
  return math.min(tonumber(r, 36) + idle, tonumber(ca, 36) + absolute)
end
local function drop(key, sid)
  local existed = redis.call('HDEL', key, sid)
  redis.call('HDEL', key, ${CONTEXT_FIELDS_LUA})
  return existed
end
local function keepUntil(key, until_, now)
  if redis.call('PTTL', key) < until_ - now then redis.call('PEXPIRE', key, until_ - now) end
end
local function version(head)
  return tonumber(string.match(head, '^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,(%d+)') or '0')
end
local function floorOf(key)
  return tonumber(redis.call('HGET', key, ':v') or '0')
end
`;

/**
 * KEYS: sessions. ARGV: `CreateSessionArgv`.
 * Deletes expired sessions (and fields left without a head), evicts the oldest sessions beyond maxSessions
 * (counting the new one), stores the head and the context fields. Returns the number evicted, or -1 when the
 * session id is taken (nothing written).
 */
export const CREATE_SESSION = `${HELPERS}
local key = KEYS[1]
local sid = ARGV[1]
local now = tonumber(ARGV[2])
local idle = tonumber(ARGV[3])
local absolute = tonumber(ARGV[4])
local max = tonumber(ARGV[5])
if redis.call('HEXISTS', key, sid) == 1 then return -1 end
if tonumber(ARGV[6]) < floorOf(key) then return -2 end
local flat = redis.call('HGETALL', key)
local live = {}
local heads = {}
for i = 1, #flat, 2 do
  if not string.find(flat[i], ':', 1, true) then heads[flat[i]] = flat[i + 1] end
end
for i = 1, #flat, 2 do
  local field = flat[i]
  local colon = string.find(field, ':', 1, true)
  if not colon then
    if expiry(flat[i + 1], idle, absolute) <= now then
      drop(key, field)
    else
      live[#live + 1] = {field, tonumber(string.match(flat[i + 1], '^(%w+),'), 36)}
    end
  elseif colon > 1 and not heads[string.sub(field, 1, colon - 1)] then
    redis.call('HDEL', key, field)
  end
end
table.sort(live, function(a, b) return a[2] < b[2] or (a[2] == b[2] and a[1] < b[1]) end)
local evicted = 0
for i = 1, #live - max + 1 do
  drop(key, live[i][1])
  evicted = evicted + 1
end
redis.call('HSET', key, sid, unpack(ARGV, 7))
keepUntil(key, math.min(now + idle, now + absolute), now)
return evicted
`;

/**
 * KEYS: sessions. ARGV: `RotateSessionArgv`. Rewrites the head and, when an ip is given, the ip in `<sid>:1`.
 * The previous token within the reuse window is a duplicate when the current hash is this request's next
 * hash (derived from the presented token: the same request again), else superseded; nothing is written. After
 * the window and within the retry grace, the previous token with that same next hash is a late duplicate (the
 * current token is unused: had it been used, the presented token would be older than p): a retry of a rotation
 * whose answer was lost. Nothing is written either, so the grace counts from the rotation.
 * Returns `RotateSessionReply`.
 */
export const ROTATE_SESSION = rotateScript(`
local userVersion = tonumber(ARGV[9])
local function reply(t) return t end
`);

/**
 * KEYS: sessions, the user's record (a hash in the same slot). ARGV: `RotateSessionWithUserRecordArgv`.
 * `ROTATE_SESSION` with the user's state read from the record instead of passed in: a record without its
 * presence field, or whose disabled field holds the disabled value, deletes the session ({0}: invalid); the
 * record's credential version field stands for the version argument; rotated and duplicate replies carry the
 * record (HGETALL) as a fifth element (rotated, duplicate, late duplicate). The field names come from the user store that owns the record's
 * format: this script knows nothing else of it.
 */
export const ROTATE_SESSION_WITH_USER_RECORD = rotateScript(`
local state = redis.call('HMGET', KEYS[2], ARGV[11], ARGV[12], ARGV[14])
if not state[1] or state[1] == '' or state[2] == ARGV[13] then
  drop(KEYS[1], ARGV[1])
  return {0}
end
local userVersion = tonumber(state[3] or '0') or 0
local function reply(t)
  t[5] = redis.call('HGETALL', KEYS[2])
  return t
end
`);

function rotateScript(userState: string): string {
  return `${HELPERS}${userState}
local key = KEYS[1]
local sid = ARGV[1]
local now = tonumber(ARGV[4])
local idle = tonumber(ARGV[5])
local absolute = tonumber(ARGV[6])
local ip = ARGV[8]
local head = redis.call('HGET', key, sid)
if not head then return {0} end
local ca, r, g, c, p = string.match(head, '^(%w+),(%w+),(%d+),([^,]*),([^,]*)')
if not ca or expiry(head, idle, absolute) <= now then
  drop(key, sid)
  return {0}
end
local v = version(head)
if v < math.max(userVersion, floorOf(key)) then
  drop(key, sid)
  return {4}
end
local tail = string.match(head, '^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*(,.*)$') or ''
local steppedUp = redis.call('HGET', key, sid .. ':${REAUTHENTICATION_FIELD}')
local authentication = steppedUp and (',' .. steppedUp) or tail
if c == ARGV[2] then
  local generation = tonumber(g) + 1
  redis.call('HSET', key, sid, table.concat({ca, b36(now), generation, ARGV[3], string.sub(c, 1, 11), v}, ',') .. tail)
  if ip ~= '' then
    local context = redis.call('HGET', key, sid .. ':1') or ','
    local comma = string.find(context, ',', 1, true) or (#context + 1)
    if string.sub(context, 1, comma - 1) ~= ip then
      redis.call('HSET', key, sid .. ':1', ip .. ',' .. string.sub(context, comma + 1))
    end
  end
  keepUntil(key, math.min(now + idle, tonumber(ca, 36) + absolute), now)
  return reply({1, generation, tonumber(ca, 36), authentication})
end
if p ~= '' and p == string.sub(ARGV[2], 1, 11) then
  local since = now - tonumber(r, 36)
  if since < tonumber(ARGV[7]) then
    if c == ARGV[3] then return reply({5, tonumber(g), tonumber(ca, 36), authentication}) end
    return {2}
  end
  if c == ARGV[3] and since < tonumber(ARGV[10]) then return reply({6, tonumber(g), tonumber(ca, 36), authentication}) end
end
drop(key, sid)
return {3}
`;
}

/**
 * KEYS: sessions. ARGV: `ReauthenticateSessionArgv`. Step-up of a live session: its amr (the step-up field's, else
 * the head's) with the proof's codes added (each once, the proof's last, the last maxAmr kept) and the offset of
 * now from ca in whole seconds are written to `<sid>:a`; the head is left alone. Returns
 * `ReauthenticateSessionReply`.
 */
export const REAUTHENTICATE_SESSION = `${HELPERS}
local key = KEYS[1]
local sid = ARGV[1]
local now = tonumber(ARGV[2])
local head = redis.call('HGET', key, sid)
if not head then return {0} end
if expiry(head, tonumber(ARGV[3]), tonumber(ARGV[4])) <= now then
  drop(key, sid)
  return {0}
end
local ca = tonumber(string.match(head, '^(%w+),'), 36)
local field = sid .. ':${REAUTHENTICATION_FIELD}'
local current = redis.call('HGET', key, field)
local a
if current then
  a = string.match(current, '^([^,]*)') or ''
else
  a = string.match(head, '^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,([^,]*)') or ''
end
local added = ARGV[5]
local kept = ''
for i = 1, #a do
  local code = string.sub(a, i, i)
  if not string.find(added, code, 1, true) then kept = kept .. code end
end
local merged = kept .. added
local max = tonumber(ARGV[6])
if #merged > max then merged = string.sub(merged, #merged - max + 1) end
local value = merged .. ',' .. b36(math.max(0, math.floor((now - ca) / 1000 + 0.5)))
redis.call('HSET', key, field, value)
return {1, ca, value}
`;

/** KEYS: sessions. ARGV: `RevokeSessionArgv`. Returns 1 when a live session was deleted. */
export const REVOKE_SESSION = `${HELPERS}
local sid = ARGV[1]
local head = redis.call('HGET', KEYS[1], sid)
if not head then return 0 end
drop(KEYS[1], sid)
if expiry(head, tonumber(ARGV[3]), tonumber(ARGV[4])) <= tonumber(ARGV[2]) then return 0 end
return 1
`;

/**
 * KEYS: sessions. ARGV: `RevokeAllSessionsArgv`. Deletes every session but the kept ones (a kept session below
 * the floor is carried to it); with a credential version, raises the floor `:v` to it. The floor survives:
 * an otherwise empty hash keeps only it, for `CREDENTIAL_FLOOR_RETENTION_MS`. Returns the number of live
 * sessions deleted.
 */
export const REVOKE_ALL_SESSIONS = `${HELPERS}
local key = KEYS[1]
local now = tonumber(ARGV[1])
local idle = tonumber(ARGV[2])
local absolute = tonumber(ARGV[3])
local keep = ARGV[5]
local floor = floorOf(key)
if ARGV[4] ~= '' and tonumber(ARGV[4]) > floor then floor = tonumber(ARGV[4]) end
local flat = redis.call('HGETALL', key)
local n = 0
local kept = 0
for i = 1, #flat, 2 do
  local sid = flat[i]
  if not string.find(sid, ':', 1, true) then
    local live = expiry(flat[i + 1], idle, absolute) > now
    if live and (keep == '*' or keep == sid) then
      kept = kept + 1
      if version(flat[i + 1]) < floor then
        local head = flat[i + 1]
        local tail = string.match(head, '^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*(,.*)$') or ''
        redis.call('HSET', key, sid, string.match(head, '^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*') .. ',' .. floor .. tail)
      end
    else
      drop(key, sid)
      if live then n = n + 1 end
    end
  end
end
if kept == 0 then redis.call('DEL', key) end
if floor > 0 then
  redis.call('HSET', key, ':v', floor)
  keepUntil(key, now + ${CREDENTIAL_FLOOR_RETENTION_MS}, now)
end
return n
`;
