/** How every session store bounds what it keeps of a session (the Redis store's record layout builds on these). */

/** Longest user agent stored, in UTF-8 bytes; longer ones are cut on a character boundary. */
export const USER_AGENT_MAX_BYTES = 256;
/** How long a hash with no session left keeps the credential-version floor: far longer than any login takes. */
export const CREDENTIAL_FLOOR_RETENTION_MS = 60 * 60_000;
/**
 * The longest prefix of `text` whose UTF-8 encoding has at most `maxBytes` bytes, never splitting a character
 * (a surrogate pair counts as the one 4-byte character it encodes).
 */
export function cutUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** The user agent as every session store keeps it: at most 256 UTF-8 bytes, cut on a character boundary. */
export function storedUserAgent(userAgent: string | undefined): string {
  return cutUtf8(userAgent ?? '', USER_AGENT_MAX_BYTES);
}

/** A credential version as stored: a non-negative safe integer, anything else 0. */
export function storedVersion(version: number | undefined): number {
  return typeof version === 'number' && Number.isSafeInteger(version) && version > 0 ? version : 0;
}

