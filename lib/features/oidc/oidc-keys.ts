import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { OidcIdTokenInvalidError } from './oidc.errors';
import type { Now } from './oidc-discovery';
import type { OidcAlgorithm } from './oidc.options';

/** A signing key of the provider, from its JWKS. */
interface ProviderKey {
  kid?: string;
  kty: string;
  crv?: string;
  alg?: string;
  key: KeyObject;
}

/** At most one refetch for an unknown `kid` per this many ms (a flood of made-up kids cannot hammer the provider). */
export const UNKNOWN_KID_COOLDOWN_MS = 30_000;

const CURVES: Partial<Record<OidcAlgorithm, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** Whether a key can verify `alg` (RSA for RS and PS, the algorithm's curve for ES, and the key's own `alg` if it has one). */
function fits(key: ProviderKey, alg: OidcAlgorithm): boolean {
  if (key.alg !== undefined && key.alg !== alg) return false;
  if (alg.startsWith('ES')) return key.kty === 'EC' && key.crv === CURVES[alg];
  return key.kty === 'RSA';
}

/** The usable signing keys of a JWKS document; others (encryption keys, symmetric or unknown key types, broken keys) are left out. */
export function parseJwks(json: unknown): ProviderKey[] {
  const list = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return [];
  const keys: ProviderKey[] = [];
  for (const jwk of list as Array<Record<string, unknown>>) {
    if (!jwk || typeof jwk !== 'object' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') continue;
    const { d: _private, ...publicPart } = jwk;
    try {
      const key = createPublicKey({ key: publicPart as JsonWebKey, format: 'jwk' });
      keys.push({
        kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, kty: jwk.kty, crv: typeof jwk.crv === 'string' ? jwk.crv : undefined,
        alg: typeof jwk.alg === 'string' ? jwk.alg : undefined, key,
      });
    } catch {
      // A key node cannot import is not one of ours to use.
    }
  }
  return keys;
}

/**
 * A provider's JWKS, cached for `ttlMs` (`node:crypto` `KeyObject`s, imported once). A token whose `kid` is not in
 * the cache makes one refetch (the provider rotated its keys), at most once per `UNKNOWN_KID_COOLDOWN_MS`; a kid
 * still unknown is refused (`unknown_key`). A token without `kid` is verified only when exactly one key fits its
 * algorithm.
 */
export class OidcKeys {
  private keys: ProviderKey[] | null = null;
  private fetchedAt = 0;
  private lastUnknownKidFetch: number | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly fetchJwks: () => Promise<unknown>, private readonly ttlMs: number, private readonly now: Now = Date.now) {}

  async key(kid: string | undefined, alg: OidcAlgorithm, failure: (reason: 'unknown_key') => Error = (r) => new OidcIdTokenInvalidError(r)): Promise<KeyObject> {
    if (!this.keys || this.now() - this.fetchedAt >= this.ttlMs) await this.load();
    let found = this.find(kid, alg);
    const now = this.now();
    if (!found && kid !== undefined && (this.lastUnknownKidFetch === null || now - this.lastUnknownKidFetch >= UNKNOWN_KID_COOLDOWN_MS)) {
      this.lastUnknownKidFetch = now;
      await this.load();
      found = this.find(kid, alg);
    }
    if (!found) throw failure('unknown_key');
    return found;
  }

  private find(kid: string | undefined, alg: OidcAlgorithm): KeyObject | undefined {
    const candidates = (this.keys ?? []).filter((key) => fits(key, alg) && (kid === undefined || key.kid === kid));
    if (kid === undefined && candidates.length !== 1) return undefined;
    return candidates[0]?.key;
  }

  private load(): Promise<void> {
    this.inFlight ??= this.fetchJwks()
      .then((json) => {
        this.keys = parseJwks(json);
        this.fetchedAt = this.now();
      })
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }
}
