/**
 * Lua scripts of the Redis passkey stores. A user's passkeys are one hash `<p>:{u}:pk` (the user's hash tag, so
 * each script touches one slot) with three fields per passkey: `c:<id>` (what registration fixed, JSON), `n:<id>`
 * (its name), `u:<id>` (`<counter>:<backedUp 0|1>:<lastUsedAt or empty>`). Which user holds a credential id:
 * `<p>:pk:id:<id>` (a string, the user id), claimed before the hash is written. Challenges: `<p>:pk:ch:<challenge>`
 * (JSON with its expiry `e`), PXAT the expiry, taken out by GETDEL.
 */

/** KEYS: passkeys. ARGV: id, registration JSON, name, use, max passkeys -> 'added' | 'taken' | 'limit'. */
export const PASSKEY_ADD = `
if redis.call('HEXISTS', KEYS[1], 'c:' .. ARGV[1]) == 1 then return 'taken' end
if redis.call('HLEN', KEYS[1]) >= 3 * tonumber(ARGV[5]) then return 'limit' end
redis.call('HSET', KEYS[1], 'c:' .. ARGV[1], ARGV[2], 'n:' .. ARGV[1], ARGV[3], 'u:' .. ARGV[1], ARGV[4])
return 'added'
`;

/**
 * KEYS: passkeys. ARGV: id, counter, backedUp (0|1), now -> 'ok' | 'counter' | 'missing'. The counter must move
 * forward, or be 0 and stay 0 (an authenticator without one).
 */
export const PASSKEY_RECORD_USE = `
local u = redis.call('HGET', KEYS[1], 'u:' .. ARGV[1])
if not u then return 'missing' end
local stored = tonumber(string.match(u, '^(%d+):'))
local counter = tonumber(ARGV[2])
if not (counter > stored or (counter == 0 and stored == 0)) then return 'counter' end
redis.call('HSET', KEYS[1], 'u:' .. ARGV[1], ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[4])
return 'ok'
`;

/** KEYS: passkeys. ARGV: id, name -> 1 when renamed, 0 when the user has no such passkey. */
export const PASSKEY_RENAME = `
if redis.call('HEXISTS', KEYS[1], 'c:' .. ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'n:' .. ARGV[1], ARGV[2])
return 1
`;

/** KEYS: passkeys. ARGV: id -> 1 when removed, 0 when the user has no such passkey. */
export const PASSKEY_REMOVE = `
if redis.call('HDEL', KEYS[1], 'c:' .. ARGV[1], 'n:' .. ARGV[1], 'u:' .. ARGV[1]) == 0 then return 0 end
return 1
`;

/** KEYS: passkeys -> the ids of the passkeys removed (the whole hash goes). */
export const PASSKEY_REMOVE_ALL = `
local fields = redis.call('HKEYS', KEYS[1])
local ids = {}
for _, field in ipairs(fields) do
  if string.sub(field, 1, 2) == 'c:' then ids[#ids + 1] = string.sub(field, 3) end
end
redis.call('DEL', KEYS[1])
return ids
`;

/** KEYS: the owner key of a credential id. ARGV: user id -> 1 when it was that user's and is released. */
export const PASSKEY_RELEASE_ID = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;
