import type { RotateResult, SessionStoreSettings, UserRecordFields } from '../../core/ports/session-store.interface';
import { decodeAuthentication, encodeAuthentication, REAUTHENTICATION_FIELD } from './session-authentication.codec';
import {
  CREDENTIAL_FLOOR_RETENTION_MS, cutUtf8, storedUserAgent, storedVersion, USER_AGENT_MAX_BYTES,
} from '../../core/sessions/session-fields';
import { MAX_CONTEXT_FIELDS } from './session-record.scripts';

export { CREDENTIAL_FLOOR_RETENTION_MS, cutUtf8, storedUserAgent, storedVersion, USER_AGENT_MAX_BYTES };
export { decodeAuthentication, encodeAuthentication };

/**
 * The one definition of how `RedisSessionStore` keeps a session in Redis: the record layout, the Lua scripts,
 * the order of their arguments and the decoding of their replies. Nothing else knows the format.
 *
 * All sessions of a user live in ONE hash (`authkit:{<userId>}:s`). A session is a fixed set of fields:
 *
 *     <sid>      head      ca,r,g,c,p,v[,a[,t]]
 *     <sid>:1    context   ip,ua1          (absent when the session has neither ip nor user agent)
 *     <sid>:2..5 more of the user agent    (only for user agents longer than fit in `<sid>:1`)
 *     <sid>:a    a,t       the session's authentication after a step-up (session-authentication.codec.ts)
 *     :v         the user's credential-version floor (see below; one per user, not per session)
 *     :c         the user's claims version (`SessionVersions`, redis-session-versions.ts; one per user), decimal
 *
 * ca created-at and r last rotation (= last use; = ca before the first rotation): epoch ms in base 36.
 * g generation (decimal). c the current refresh secret hash (22 characters, 128 bits); p the first 11
 * characters (64 bits) of the previous one, empty before the first rotation: it only tells a concurrent
 * duplicate from a replayed old token, for which 64 bits are plenty. v is the user's credential version the
 * session was created under (decimal; absent in records written before versions existed: 0). a is the sign-in's
 * `amr`, one character per value: its position in `AMR_VALUES` in `AMR_ALPHABET` (`pwd` -> `0`, `oauth` -> `1`);
 * t is the authentication time as an offset from ca in whole seconds, base 36 (signed), left out when the
 * authentication time is ca itself (the usual case: the sign-in created the session). The head must stay within
 * 64 bytes (below): it is 54 + the digits of g and v + 1 + one byte per amr value (up to 4: 64 bytes for an MFA
 * sign-in's three with a 4-digit g and a 2-digit v; four values there make 65), which leaves no room for a step-up's t (1 + up to 5 base-36 digits for a 30-day session). So a step-up (`REAUTHENTICATE_SESSION`)
 * writes the session's new authentication, `a,t` in the same encoding, to its own field `<sid>:a` (at most 10
 * bytes) and leaves the head alone; the field, when present, stands for the head's tail. Both are absent when
 * there is nothing to say (records written before they existed decode as amr [] and authTime = ca). A rotation
 * carries everything after v over unchanged and returns the authentication (`<sid>:a`, else the head's tail) to
 * be decoded here, so a refresh keeps the session's amr and authTime. The guard's check is
 * one HGET of the head.
 *
 * Credential versions: when a user's credentials change (password set or removed, account disabled, enabled
 * or secured), `REVOKE_ALL_SESSIONS` with the new version deletes every session of an older version (except
 * those kept, which are carried to it) and records the version as the floor `:v`; `CREATE_SESSION` refuses a
 * session whose version is below the floor (a login that read the user before the change), and
 * `ROTATE_SESSION` deletes a session below the floor or below the user's version as the refresh read it. So
 * every session in the hash is of the current version, and the guard's HGET needs no second read. The floor
 * only has to outlive logins in flight: an otherwise empty hash keeps it `CREDENTIAL_FLOOR_RETENTION_MS`.
 *
 * Every field name and value is at most 64 bytes, so the hash stays a compact listpack (Redis'
 * hash-max-listpack-value is 64 by default; one longer value turns the whole hash into a hashtable at over
 * twice the memory). TypeScript cuts the ip and the user agent on character boundaries before anything
 * reaches Lua: the ip to at most 39 bytes (a full-length IPv6 address), the user agent to at most 256 bytes,
 * with at most 24 bytes in `<sid>:1` so that a rotation can replace the ip with any other without the field
 * growing past 64 bytes. The scripts never cut a string: they store, replace and delete whole fields.
 *
 * A session expires at min(r + idleTtlMs, ca + absoluteTtlMs), computed with the store's current settings
 * (so a shorter lifetime in the configuration applies to existing sessions too). Fields do not expire by
 * themselves (no per-field TTL before Redis 7.4): the key's TTL is kept at least the latest expiry of its
 * sessions, every script treats an expired record as absent, and the writing scripts delete such records.
 */

/** The field of the user's claims version (`RedisSessionVersions`): per user, so the scripts leave it alone like `:v`. */
export const CLAIMS_VERSION_FIELD = ':c';

/** Largest field value (and name) that keeps the hash a listpack under Redis' default settings. */
export const FIELD_MAX_BYTES = 64;
/** Longest ip stored (a full-length IPv6 address); longer ones are cut. */
export const IP_MAX_BYTES = 39;
/** User-agent bytes in the context field: `ip,ua1` stays within 64 bytes whatever ip a rotation writes. */
const FIRST_USER_AGENT_BYTES = FIELD_MAX_BYTES - 1 - IP_MAX_BYTES;
/**
 * Current secret hashes are stored as their first 22 base64url characters (128 bits of the SHA-256): finding a
 * secret that matches them is still a 2^128 search, and the head stays within the hash's compact encoding.
 * Both stored and presented hashes are cut the same way. (The previous hash keeps 64 bits, see above.)
 */
const STORED_HASH_LENGTH = 22;
/** Session ids are field names in the user's hash: `:` marks a session's other fields, so it may not appear in an id. */
export const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Cuts `text` into pieces of at most `first`, then `rest` UTF-8 bytes each, on character boundaries. */
function pieces(text: string, first: number, rest: number): string[] {
  const out: string[] = [];
  let remaining = text;
  for (let max = first; remaining; max = rest) {
    const piece = cutUtf8(remaining, max);
    out.push(piece);
    remaining = remaining.slice(piece.length);
  }
  return out;
}

/** The ip as the Redis record keeps it: no commas (the field separator), at most 39 bytes. */
export function storedIp(ip: string | undefined): string {
  return cutUtf8((ip ?? '').replace(/,/g, ''), IP_MAX_BYTES);
}

const storedHash = (hash: string) => hash.slice(0, STORED_HASH_LENGTH);

/** What the head (`ca,r,g,c,p,v,a,t`) holds that TypeScript reads. */
export interface SessionHead {
  createdAt: number;
  lastUsedAt: number;
  generation: number;
  /** The user's credential version when the session was created (0 for heads without one). */
  credentialVersion: number;
  /** The sign-in's authentication methods (`[]` for heads without them). */
  amr: string[];
  /** Epoch ms of the authentication (`createdAt` for heads without one). */
  authTime: number;
}

/** A session as read back from the hash. */
export interface DecodedSession extends SessionHead {
  id: string;
  ip: string;
  userAgent: string;
}

/** Reads a head; undefined for anything that is not one. */
export function decodeHead(head: string): SessionHead | undefined {
  const match = /^([0-9a-z]+),([0-9a-z]+),(\d+),[^,]*,[^,]*(?:,(\d+)(,[0-9A-Za-z]*(?:,-?[0-9a-z]+)?)?)?/.exec(head);
  if (!match) return undefined;
  const createdAt = parseInt(match[1], 36);
  return {
    createdAt,
    lastUsedAt: parseInt(match[2], 36),
    generation: Number(match[3]),
    credentialVersion: Number(match[4] ?? 0),
    ...decodeAuthentication(match[5], createdAt),
  };
}

/** When a session with this head ends under `settings`: min(last use + idle, creation + absolute); 0 if unreadable. */
export function headExpiresAt(head: SessionHead | undefined, settings: SessionStoreSettings): number {
  if (!head) return 0;
  return Math.min(head.lastUsedAt + settings.idleTtlMs, head.createdAt + settings.absoluteTtlMs) || 0;
}

/** Every session in a user's hash (`HGETALL`), put together from its fields; expiry is the caller's business. */
export function decodeSessions(fields: Record<string, string>): DecodedSession[] {
  const sessions: DecodedSession[] = [];
  for (const [id, value] of Object.entries(fields)) {
    if (id.includes(':')) continue;
    const head = decodeHead(value);
    if (!head) continue;
    const context = fields[`${id}:1`] ?? '';
    const comma = context.indexOf(',');
    let userAgent = comma < 0 ? '' : context.slice(comma + 1);
    for (let n = 2; n <= MAX_CONTEXT_FIELDS && fields[`${id}:${n}`] !== undefined; n++) userAgent += fields[`${id}:${n}`];
    const steppedUp = fields[`${id}:${REAUTHENTICATION_FIELD}`];
    const authentication = steppedUp === undefined ? {} : decodeAuthentication(steppedUp, head.createdAt);
    sessions.push({ id, ...head, ...authentication, ip: comma < 0 ? context : context.slice(0, comma), userAgent });
  }
  return sessions;
}

/** Arguments of `CREATE_SESSION`, in order. */
export type CreateSessionArgv = [sessionId: string, now: number, idleTtlMs: number, absoluteTtlMs: number,
  maxSessions: number, credentialVersion: number, head: string, ...contextFieldsAndValues: string[]];

/** ARGV of `CREATE_SESSION` for a new session (generation 1, no previous hash), ip and user agent cut as stored. */
export function createSessionArgv(
  input: {
    sessionId: string; secretHash: string; credentialVersion?: number; amr?: readonly string[]; authTime?: number; ip?: string; userAgent?: string;
  },
  now: number,
  settings: SessionStoreSettings,
): CreateSessionArgv {
  const t = now.toString(36);
  const version = storedVersion(input.credentialVersion);
  const head = [t, t, 1, storedHash(input.secretHash), '', version].join(',') + encodeAuthentication(input.amr, input.authTime, now);
  const ip = storedIp(input.ip);
  const userAgent = storedUserAgent(input.userAgent);
  const context: string[] = [];
  if (ip || userAgent) {
    const [first = '', ...more] = pieces(userAgent, FIRST_USER_AGENT_BYTES, FIELD_MAX_BYTES);
    context.push(`${input.sessionId}:1`, `${ip},${first}`);
    more.forEach((piece, i) => context.push(`${input.sessionId}:${i + 2}`, piece));
  }
  return [input.sessionId, now, settings.idleTtlMs, settings.absoluteTtlMs, settings.maxSessionsPerUser, version, head, ...context];
}

/**
 * Decodes `CREATE_SESSION`'s reply: the number of sessions evicted, `'taken'` when the id was in use, `'stale'`
 * when the credential version is below the user's floor (nothing written either way).
 */
export function decodeCreateReply(reply: number): number | 'taken' | 'stale' {
  return reply === -1 ? 'taken' : reply === -2 ? 'stale' : reply;
}

/** Arguments of `ROTATE_SESSION`, in order. */
export type RotateSessionArgv = [sessionId: string, presentedHash: string, nextHash: string, now: number,
  idleTtlMs: number, absoluteTtlMs: number, reuseWindowMs: number, ip: string, credentialVersion: number, retryGraceMs: number];

/** ARGV of `ROTATE_SESSION`; an empty `ip` keeps the stored one. */
export function rotateSessionArgv(
  input: { sessionId: string; presentedHash: string; nextHash: string; ip?: string; credentialVersion?: number },
  now: number,
  settings: SessionStoreSettings,
): RotateSessionArgv {
  return [input.sessionId, storedHash(input.presentedHash), storedHash(input.nextHash), now,
    settings.idleTtlMs, settings.absoluteTtlMs, settings.reuseWindowMs, storedIp(input.ip), storedVersion(input.credentialVersion),
    Math.max(settings.retryGraceMs ?? 0, settings.reuseWindowMs)];
}

/** Arguments of `ROTATE_SESSION_WITH_USER_RECORD`, in order (its `credentialVersion` is unused: the record's counts). */
export type RotateSessionWithUserRecordArgv = [...RotateSessionArgv, presenceField: string, disabledField: string,
  disabledValue: string, credentialVersionField: string];

/** ARGV of `ROTATE_SESSION_WITH_USER_RECORD`: `rotateSessionArgv`, then the record's field names. */
export function rotateSessionWithUserRecordArgv(
  input: { sessionId: string; presentedHash: string; nextHash: string; ip?: string },
  fields: UserRecordFields,
  now: number,
  settings: SessionStoreSettings,
): RotateSessionWithUserRecordArgv {
  return [...rotateSessionArgv(input, now, settings), fields.presence, fields.disabled, fields.disabledValue, fields.credentialVersion];
}

/** The user's record a `ROTATE_SESSION_WITH_USER_RECORD` reply carries (rotated and duplicate only), as field -> value. */
export function decodeUserRecordReply(reply: RotateSessionReply): Record<string, string> | undefined {
  const flat = reply[4];
  if (!Array.isArray(flat)) return undefined;
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[String(flat[i])] = String(flat[i + 1]);
  return record;
}

/**
 * Raw reply of `ROTATE_SESSION`: {1, generation, createdAt, tail} rotated, {5, generation, createdAt, tail}
 * duplicate, {6, ...} late duplicate (tail: the head after v, see `encodeAuthentication`), {2} superseded, {3} reused, {4} stale
 * (credential version older than the user's; deleted), {0} invalid. `ROTATE_SESSION_WITH_USER_RECORD` adds the
 * user's record (flat HGETALL) as a fifth element to 1, 5 and 6.
 */
export type RotateSessionReply = Array<string | number | null | Array<string | number>>;

/** Decodes `ROTATE_SESSION`'s reply into the port's `RotateResult`. */
export function decodeRotateReply(
  reply: RotateSessionReply,
  session: { sessionId: string; userId: string },
  settings: SessionStoreSettings,
): RotateResult {
  switch (Number(reply[0])) {
    case 1:
    case 5:
    case 6: {
      const createdAt = Number(reply[2]);
      const code = Number(reply[0]);
      return {
        status: code === 1 ? 'rotated' : 'duplicate',
        ...(code === 6 ? { late: true as const } : {}),
        session: {
          id: session.sessionId,
          userId: session.userId,
          generation: Number(reply[1]),
          createdAt,
          absoluteExpiresAt: createdAt + settings.absoluteTtlMs,
          ...decodeAuthentication(typeof reply[3] === 'string' ? reply[3] : '', createdAt),
        },
      };
    }
    case 2:
      return { status: 'superseded' };
    case 3:
      return { status: 'reused' };
    case 4:
      return { status: 'stale' };
    default:
      return { status: 'invalid' };
  }
}

/** ARGV of `REVOKE_SESSION`, in order. */
export type RevokeSessionArgv = [sessionId: string, now: number, idleTtlMs: number, absoluteTtlMs: number];
/** ARGV of `REVOKE_ALL_SESSIONS`, in order: `credentialVersion` `''` for none; `keep` `''` none, a session id, `'*'` all. */
export type RevokeAllSessionsArgv = [now: number, idleTtlMs: number, absoluteTtlMs: number, credentialVersion: number | '', keep: string];

/** ARGV of `REVOKE_ALL_SESSIONS` for the port's `revokeAll(userId, options)`. */
export function revokeAllSessionsArgv(
  options: { credentialVersion?: number; keep?: { sessionId: string } | 'all' },
  now: number,
  settings: SessionStoreSettings,
): RevokeAllSessionsArgv {
  const keep = options.keep === 'all' ? '*' : options.keep && SESSION_ID.test(options.keep.sessionId) ? options.keep.sessionId : '';
  const version = options.credentialVersion === undefined ? '' : storedVersion(options.credentialVersion);
  return [now, settings.idleTtlMs, settings.absoluteTtlMs, version, keep];
}

/** Names of a session's fields after the head, as a Lua argument list (`sid .. ':1', ...`). */

// The Lua scripts (what the format above means to Redis) are in session-record.scripts.ts.
export {
  CREATE_SESSION, REAUTHENTICATE_SESSION, REVOKE_ALL_SESSIONS, REVOKE_SESSION, ROTATE_SESSION, ROTATE_SESSION_WITH_USER_RECORD,
} from './session-record.scripts';
