import { createHash } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import { PasskeyInvalidError, PasskeyOriginInvalidError } from './passkeys.errors';

/** What the server reads of a response before verifying it: the challenge to look up, and who it claims to be. */
export interface ResponseHeader {
  /** The challenge the browser signed (base64url), from `clientDataJSON`. */
  challenge: string;
  /** The credential id (base64url). */
  id: string;
  /** The signature counter and flags of the authenticator data. */
  counter: number;
  userVerified: boolean;
  /** The user handle of a discoverable credential (base64url), for an assertion. */
  userHandle?: string;
}

const BASE64URL = /^[A-Za-z0-9_-]{1,4096}$/;

function base64url(value: unknown, max = 4096): string {
  if (typeof value !== 'string' || value.length > max || !BASE64URL.test(value)) throw new PasskeyInvalidError();
  return value;
}

/**
 * Reads and checks a response's client data and authenticator data: the ceremony type, the origin (exactly one of
 * `origins`) and the RP ID hash (`rpId`); `PasskeyOriginInvalidError` when made for another site,
 * `PasskeyInvalidError` when malformed. The signature is checked later, by `@simplewebauthn/server`.
 */
export function readResponse(
  body: unknown, kind: 'registration' | 'authentication', site: { rpId: string; origins: readonly string[] },
): ResponseHeader & { json: RegistrationResponseJSON | AuthenticationResponseJSON } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PasskeyInvalidError();
  const json = body as Record<string, unknown> & { response?: Record<string, unknown> };
  const response = json.response;
  if (json.type !== 'public-key' || !response || typeof response !== 'object') throw new PasskeyInvalidError();
  const id = base64url(json.id, 1366);
  if (json.rawId !== id) throw new PasskeyInvalidError();
  let client: { type?: unknown; challenge?: unknown; origin?: unknown; crossOrigin?: unknown };
  let authData: Uint8Array<ArrayBuffer>;
  try {
    client = JSON.parse(isoBase64URL.toUTF8String(base64url(response.clientDataJSON, 8192))) as typeof client;
    authData = kind === 'registration'
      ? (decodeAttestationObject(isoBase64URL.toBuffer(base64url(response.attestationObject, 16384))).get('authData') as Uint8Array<ArrayBuffer>)
      : isoBase64URL.toBuffer(base64url(response.authenticatorData, 8192));
  } catch {
    throw new PasskeyInvalidError();
  }
  if (client.type !== (kind === 'registration' ? 'webauthn.create' : 'webauthn.get') || typeof client.challenge !== 'string') throw new PasskeyInvalidError();
  if (typeof client.origin !== 'string' || !site.origins.includes(client.origin) || client.crossOrigin === true) throw new PasskeyOriginInvalidError();
  let parsed: ReturnType<typeof parseAuthenticatorData>;
  try {
    parsed = parseAuthenticatorData(authData);
  } catch {
    throw new PasskeyInvalidError();
  }
  const expectedHash = createHash('sha256').update(site.rpId).digest();
  if (!expectedHash.equals(Buffer.from(parsed.rpIdHash))) throw new PasskeyOriginInvalidError();
  const userHandle = response.userHandle === undefined || response.userHandle === null ? undefined : base64url(response.userHandle, 128);
  return {
    challenge: base64url(client.challenge, 128), id, counter: parsed.counter, userVerified: parsed.flags.uv, userHandle,
    json: json as unknown as RegistrationResponseJSON,
  };
}

/** The WebAuthn user handle of a user (their id's UTF-8 bytes), as registration options and assertions carry it. */
export function userHandleOf(userId: string): string {
  return Buffer.from(userId, 'utf8').toString('base64url');
}

/** The user id a user handle stands for, or null when it is not one. */
export function userIdOf(userHandle: string): string | null {
  const userId = Buffer.from(userHandle, 'base64url').toString('utf8');
  return userId.length > 0 && userHandleOf(userId) === userHandle ? userId : null;
}
