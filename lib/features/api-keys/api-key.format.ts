import { hash, randomBytes } from 'node:crypto';

const ID_BYTES = 16;
const ID_LENGTH = 22;
const SECRET_BYTES = 32;
const SECRET_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const MAX_USER_PART = 344;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A freshly minted key: `key` is shown once, only `hash` is stored. */
export interface MintedApiKey {
  key: string;
  id: string;
  hash: string;
}

/** What a presented key says: whose it is, which key, and the hash of its secret to compare with the stored one. */
export interface ParsedApiKey {
  id: string;
  userId: string;
  hash: string;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, as zlib's) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE64URL_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The CRC-32 of `body` as 6 base64url characters (its 4 bytes, big-endian, as `Buffer#toString('base64url')` writes them). */
function checksum(body: string): string {
  const crc = crc32(body);
  let out = '';
  // 32 bits = five 6-bit digits and 2 bits left, padded with 4 zero bits.
  for (let shift = 26; shift >= 2; shift -= 6) out += BASE64URL_DIGITS[(crc >>> shift) & 63];
  return out + BASE64URL_DIGITS[(crc & 3) << 4];
}

/** SHA-256 (base64url) of a key's secret: all the store keeps of it (`crypto.hash`, one shot: ~4x createHash's speed here). */
function hashSecret(secret: string): string {
  return hash('sha256', `api_key\n${secret}`, 'base64url');
}

/**
 * API keys: `<prefix><id>.<base64url(userId)>.<secret>.<checksum>`, e.g. `akit_3q2...Xw.dTE.kP0...9s.Ab12Cd`:
 * - the prefix (`apiKeys.prefix`, default `akit_`) lets secret scanners find leaked keys;
 * - the id (128 random bits) names the key; the owner's id tells the store where it lives (one slot per user);
 * - the secret is 256 random bits, stored only as its SHA-256;
 * - the checksum (CRC-32 of everything before it) refuses a mistyped or truncated key without a store read,
 *   and lets a scanner tell a real key from a look-alike offline.
 */
export function mintApiKey(prefix: string, userId: string): MintedApiKey {
  const id = randomBytes(ID_BYTES).toString('base64url');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  const body = `${prefix}${id}.${Buffer.from(userId, 'utf8').toString('base64url')}.${secret}`;
  return { key: `${body}.${checksum(body)}`, id, hash: hashSecret(secret) };
}

/** Whether `credential` has the form of a key with this prefix (its first characters; no I/O, no hashing). */
export function looksLikeApiKey(prefix: string, credential: string): boolean {
  return credential.startsWith(prefix);
}

/** Decoded user parts of recent keys (a client sends the same key again and again): base64url -> user id. */
const userIds = new Map<string, string | null>();
const USER_ID_CACHE_SIZE = 10_000;

/** The user id a key's user part encodes, when it is canonical base64url of a non-empty UTF-8 id; else null. */
function userIdOf(userPart: string): string | null {
  let userId = userIds.get(userPart);
  if (userId !== undefined) return userId;
  const decoded = Buffer.from(userPart, 'base64url').toString('utf8');
  userId = decoded && Buffer.from(decoded, 'utf8').toString('base64url') === userPart ? decoded : null;
  if (userIds.size >= USER_ID_CACHE_SIZE) userIds.clear();
  userIds.set(userPart, userId);
  return userId;
}

/** Parses a presented key; `null` for anything malformed or with a wrong checksum (never throws, no I/O). */
export function parseApiKey(prefix: string, key: string): ParsedApiKey | null {
  if (key.length > prefix.length + ID_LENGTH + MAX_USER_PART + SECRET_LENGTH + CHECKSUM_LENGTH + 3 || !key.startsWith(prefix)) return null;
  const parts = key.slice(prefix.length).split('.');
  if (parts.length !== 4) return null;
  const [id, userPart, secret, sum] = parts;
  if (id.length !== ID_LENGTH || secret.length !== SECRET_LENGTH || sum.length !== CHECKSUM_LENGTH || userPart.length === 0) return null;
  if (!BASE64URL.test(id) || !BASE64URL.test(userPart) || !BASE64URL.test(secret)) return null;
  if (checksum(key.slice(0, key.length - CHECKSUM_LENGTH - 1)) !== sum) return null;
  const userId = userIdOf(userPart);
  return userId === null ? null : { id, userId, hash: hashSecret(secret) };
}

/** The id part of a key id as the routes take it (`DELETE /auth/api-keys/:id`). */
export function isApiKeyId(id: unknown): id is string {
  return typeof id === 'string' && id.length === ID_LENGTH && BASE64URL.test(id);
}
