import { AMR_VALUES, type SessionAuthentication, storedAmr } from '../../core/ports/session-store.interface';

/**
 * How a Redis session record keeps the session's authentication (`amr` and `authTime`; the record layout is in
 * session-record.codec.ts): `a`, one character per amr value, and `t`, the offset of the authentication time from
 * the session's creation in whole seconds, base 36. In the head's tail (`,a[,t]`, written at creation), and after
 * a step-up in the session's own field `<sid>:a` (`a,t`), which then stands for the head's tail.
 */

/** The suffix of a session's step-up field (`<sid>:a`). */
export const REAUTHENTICATION_FIELD = 'a';

/** One character per `AMR_VALUES` entry, by position. */
const AMR_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `amr` as the record's characters. */
export function amrCodes(amr: readonly string[] | undefined): string {
  return storedAmr(amr).map((value) => AMR_ALPHABET[AMR_VALUES.indexOf(value)]).join('');
}

/** The head's tail after v (`,a,t`, or `,a`, or nothing), written at creation and carried over by rotations. */
export function encodeAuthentication(amr: readonly string[] | undefined, authTime: number | undefined, createdAt: number): string {
  const a = amrCodes(amr);
  const offsetSeconds = authTime === undefined || !Number.isSafeInteger(authTime) ? 0 : Math.round((authTime - createdAt) / 1000);
  if (offsetSeconds !== 0) return `,${a},${offsetSeconds.toString(36)}`;
  return a ? `,${a}` : '';
}

/** Reads a head's tail or a step-up field (`encodeAuthentication`'s output, with or without its leading comma). */
export function decodeAuthentication(tail: string | undefined, createdAt: number): SessionAuthentication {
  const [a = '', t = ''] = (tail ?? '').replace(/^,/, '').split(',');
  const amr = [...a].map((code) => AMR_VALUES[AMR_ALPHABET.indexOf(code)]).filter((value): value is string => value !== undefined);
  const offsetSeconds = t ? parseInt(t, 36) : 0;
  return { amr, authTime: createdAt + (Number.isSafeInteger(offsetSeconds) ? offsetSeconds * 1000 : 0) };
}

/** Arguments of `REAUTHENTICATE_SESSION`, in order: the proof's amr as `amrCodes`, at most `maxAmr` kept. */
export type ReauthenticateSessionArgv = [sessionId: string, now: number, idleTtlMs: number, absoluteTtlMs: number, amr: string, maxAmr: number];

/**
 * Raw reply of `REAUTHENTICATE_SESSION`: {1, createdAt, a,t} (the session's new authentication, as written to
 * `<sid>:a`), or {0}: no such live session.
 */
export type ReauthenticateSessionReply = Array<string | number>;

/** Decodes `REAUTHENTICATE_SESSION`'s reply. */
export function decodeReauthenticateReply(reply: ReauthenticateSessionReply): SessionAuthentication | null {
  if (Number(reply[0]) !== 1) return null;
  return decodeAuthentication(String(reply[2]), Number(reply[1]));
}
