/** Claims the library sets itself (JWT registered claims, JOSE header names, and its own); an app's claims may not use them. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'sub', 'sid', 'roles', 'email', 'iat', 'exp', 'nbf', 'iss', 'aud', 'jti', 'typ', 'kid', 'alg', 'cnf', 'scope', 'client_id', 'azp', 'auth_time', 'amr', 'cv',
  '__proto__', 'constructor', 'prototype',
]);

/** Default cap on the JSON size of an app's claims, in bytes: access tokens travel in every request header. */
export const DEFAULT_MAX_CLAIMS_BYTES = 1024;

/** A claim value: JSON only. */
export type ClaimValue = string | number | boolean | null | ClaimValue[] | { [key: string]: ClaimValue };

/** An app's claims, as returned by the `claims` option. */
export type AppClaims = Record<string, ClaimValue>;

/** Throws a `TypeError` if `name` cannot be an app claim. */
export function checkClaimName(name: string, option = 'claims'): void {
  if (RESERVED_CLAIMS.has(name)) throw new TypeError(`nestjs-authkit: option "${option}" uses the reserved claim name "${name}"`);
  if (!/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(name)) throw new TypeError(`nestjs-authkit: option "${option}": claim name ${JSON.stringify(name)} is not a simple name`);
}

/**
 * Checks what the app's `claims` function returned: a plain object, no reserved name, only `allowed` names
 * when given, JSON-serialisable, at most `maxBytes`. Returns a frozen copy. A failure is a programming error
 * of the app (`TypeError`), so the token is not issued.
 */
export function checkAppClaims(value: unknown, maxBytes: number, allowed?: ReadonlySet<string>): Readonly<AppClaims> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError('nestjs-authkit: claims() must return a plain object');
  for (const name of Object.keys(value)) {
    checkClaimName(name);
    if (allowed && !allowed.has(name)) throw new TypeError(`nestjs-authkit: claims() returned "${name}", which is not in claims.names`);
  }
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json, 'utf8') > maxBytes) {
    throw new TypeError(`nestjs-authkit: claims() returned ${Buffer.byteLength(json, 'utf8')} bytes of JSON, more than claims.maxBytes (${maxBytes})`);
  }
  return Object.freeze(JSON.parse(json) as AppClaims);
}

const NO_CLAIMS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The claims of a verified token outside the reserved names (the app's claims), frozen; `{}` when none. */
export function appClaimsOf(claims: Record<string, unknown>): Readonly<Record<string, unknown>> {
  let found: Record<string, unknown> | undefined;
  for (const name of Object.keys(claims)) {
    if (RESERVED_CLAIMS.has(name)) continue;
    (found ??= {})[name] = claims[name];
  }
  return found ? Object.freeze(found) : NO_CLAIMS;
}
