/**
 * The Lua of `RedisOrganizationStore` and `RedisOrganizationInvitationStore`. Every script touches the keys of ONE
 * organization (hash tag `{o.<orgId>}`), so it is atomic and Redis-Cluster-safe. A member's roles are one field of
 * the members hash, the roles joined by commas (role names never hold one).
 */
const HAS_ROLE = `
local function has(roles, role) return string.find(',' .. roles .. ',', ',' .. role .. ',', 1, true) ~= nil end
`;

/** KEYS: organization, members. ARGV: name, createdAt, ownerId, ownerRoles. 1 created, 0 id taken. */
export const CREATE_ORGANIZATION = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'createdAt', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
return 1
`;

/**
 * KEYS: members. ARGV: userId, roles ('' removes the member), ownerRole. Refuses (`last_owner`) to take the owner role
 * from the only member who holds it.
 */
export const SET_MEMBER_ROLES = `${HAS_ROLE}
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 'not_member' end
local remove = ARGV[2] == ''
if has(current, ARGV[3]) and (remove or not has(ARGV[2], ARGV[3])) then
  local owners = 0
  for _, roles in ipairs(redis.call('HVALS', KEYS[1])) do
    if has(roles, ARGV[3]) then owners = owners + 1 end
  end
  if owners <= 1 then return 'last_owner' end
end
if remove then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 'ok'
`;

/** KEYS: organization. ARGV: requireMfa ('1' or '0'). 1 set, 0 no such organization. */
export const SET_POLICY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'requireMfa', ARGV[1])
return 1
`;

/** KEYS: members. ARGV: fromUserId, toUserId, ownerRole, formerOwnerRole. */
export const TRANSFER_OWNERSHIP = `${HAS_ROLE}
local from = redis.call('HGET', KEYS[1], ARGV[1])
if not from or not has(from, ARGV[3]) then return 'not_owner' end
local to = redis.call('HGET', KEYS[1], ARGV[2])
if not to then return 'not_member' end
if not has(to, ARGV[3]) then redis.call('HSET', KEYS[1], ARGV[2], ARGV[3] .. ',' .. to) end
local kept = {}
if not has(from, ARGV[4]) then kept[1] = ARGV[4] end
for role in string.gmatch(from, '[^,]+') do
  if role ~= ARGV[3] then kept[#kept + 1] = role end
end
redis.call('HSET', KEYS[1], ARGV[1], table.concat(kept, ','))
return 'ok'
`;

/**
 * KEYS: invitation, members, invitations index. ARGV: email, userId, now, hash. Replies {status[, roles]}: an unknown
 * or expired invitation is 'invalid' (an expired one is deleted); another email leaves it for its addressee; else it
 * is deleted (and left the index) and the membership created (unless the user is a member already).
 */
export const ACCEPT_INVITATION = `
local invitation = redis.call('HMGET', KEYS[1], 'email', 'roles', 'expiresAt')
if not invitation[1] then
  redis.call('SREM', KEYS[3], ARGV[4])
  return {'invalid'}
end
if tonumber(invitation[3]) <= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[3], ARGV[4])
  return {'invalid'}
end
if invitation[1] ~= ARGV[1] then return {'email_mismatch'} end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[4])
if redis.call('EXISTS', KEYS[2]) == 0 then return {'invalid'} end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return {'already_member'} end
redis.call('HSET', KEYS[2], ARGV[2], invitation[2])
return {'accepted', invitation[2]}
`;

/**
 * KEYS: organization, members, invitations index. Replies false for an unknown organization, else {member ids,
 * invitation hashes}: the record, the members and the index are deleted (the caller deletes the invitations' keys,
 * same slot; a leftover one is refused at accept, since the members hash is gone).
 */
export const DELETE_ORGANIZATION = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local members = redis.call('HKEYS', KEYS[2])
local hashes = redis.call('SMEMBERS', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return {members, hashes}
`;
