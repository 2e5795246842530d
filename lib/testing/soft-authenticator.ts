import { createHash, createSign, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';

/**
 * A software WebAuthn authenticator for tests (`nestjs-authkit/testing`): it makes REAL attestation and assertion objects (CBOR, COSE keys,
 * authenticator data, signatures with node:crypto keys), as a browser would hand them to the page, so the server
 * verifies them with `@simplewebauthn/server` like any other. ES256 (P-256) and RS256 (RSA 2048); attestation
 * `none` or `packed` self attestation. Knobs for the attacks: another origin or RP ID, a counter set back, no user
 * verification.
 */

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | boolean;

function head(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
  if (length < 0x10000) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  const out = Buffer.alloc(5);
  out[0] = (major << 5) | 26;
  out.writeUInt32BE(length, 1);
  return out;
}

/** A small CBOR encoder (RFC 8949, the subset attestation objects and COSE keys use). */
function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'boolean') return Buffer.from([value ? 0xf5 : 0xf4]);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

export type SoftAlgorithm = 'ES256' | 'RS256';

/** A credential the authenticator holds. */
export interface SoftCredential {
  id: Buffer;
  alg: SoftAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

function coseKey(alg: SoftAlgorithm, publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (alg === 'ES256') {
    return cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
  }
  return cbor(new Map<Cbor, Cbor>([[1, 3], [3, -257], [-1, Buffer.from(jwk.n!, 'base64url')], [-2, Buffer.from(jwk.e!, 'base64url')]]));
}

function sign(alg: SoftAlgorithm, key: KeyObject, data: Buffer): Buffer {
  // ES256 signatures are DER (as WebAuthn wants them); RS256 is PKCS#1 v1.5.
  return createSign('sha256').update(data).sign(key);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface SoftCeremonyOptions {
  /** The page's origin as the browser reports it. */
  origin: string;
  /** Overrides the RP ID the authenticator data is hashed for (default: the options', else the origin's host). */
  rpId?: string;
  /** User verification done (default true). */
  userVerified?: boolean;
}

export interface SoftCreateOptions extends SoftCeremonyOptions {
  alg?: SoftAlgorithm;
  attestation?: 'none' | 'packed';
  /** A synced passkey: backup eligible and backed up, counter always 0. */
  synced?: boolean;
  /** Reuse this credential id (to try registering one twice). */
  credentialId?: Buffer;
}

/** A software authenticator: `create` answers creation options, `get` request options. */
export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  private readonly synced = new Set<SoftCredential>();

  /** `navigator.credentials.create()` for `options` (the server's JSON): a RegistrationResponseJSON. */
  create(options: { challenge: string; rp: { id?: string }; user: { id: string } }, ceremony: SoftCreateOptions): Record<string, unknown> {
    const alg = ceremony.alg ?? 'ES256';
    const { privateKey, publicKey } = alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rpId = ceremony.rpId ?? options.rp.id ?? new URL(ceremony.origin).hostname;
    const credential: SoftCredential = {
      id: ceremony.credentialId ?? randomBytes(32), alg, privateKey, publicKey, rpId: options.rp.id ?? rpId, userHandle: options.user.id, counter: 0,
    };
    this.credentials.push(credential);
    if (ceremony.synced) this.synced.add(credential);
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: ceremony.origin, crossOrigin: false }));
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(rpId), Buffer.from([this.flags(credential, ceremony) | FLAG_AT]), Buffer.alloc(4), Buffer.alloc(16), idLength, credential.id, coseKey(alg, publicKey),
    ]);
    const packed = ceremony.attestation === 'packed';
    const attStmt = packed
      ? new Map<Cbor, Cbor>([['alg', alg === 'ES256' ? -7 : -257], ['sig', sign(alg, privateKey, Buffer.concat([authData, sha256(clientDataJSON)]))]])
      : new Map<Cbor, Cbor>();
    const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', packed ? 'packed' : 'none'], ['attStmt', attStmt], ['authData', authData]]));
    return {
      id: b64url(credential.id), rawId: b64url(credential.id), type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal', 'hybrid'] },
    };
  }

  /**
   * `navigator.credentials.get()` for `options`: an AuthenticationResponseJSON from `credential` (default: the first
   * one allowed, else the newest for the RP). `counter`: the counter to report (default: one more than the last).
   */
  get(
    options: { challenge: string; rpId?: string; allowCredentials?: Array<{ id: string }> },
    ceremony: SoftCeremonyOptions & { credential?: SoftCredential; counter?: number; userHandle?: string | null },
  ): Record<string, unknown> {
    const allowed = options.allowCredentials?.map(({ id }) => id) ?? [];
    const credential = ceremony.credential
      ?? [...this.credentials].reverse().find((c) => (allowed.length === 0 ? c.rpId === (options.rpId ?? c.rpId) : allowed.includes(b64url(c.id))));
    if (!credential) throw new Error('SoftAuthenticator: no credential for these options');
    const counter = ceremony.counter ?? (this.synced.has(credential) ? 0 : credential.counter + 1);
    credential.counter = Math.max(credential.counter, counter);
    const rpId = ceremony.rpId ?? options.rpId ?? credential.rpId;
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: ceremony.origin, crossOrigin: false }));
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(credential, ceremony)]), counterBytes]);
    const signature = sign(credential.alg, credential.privateKey, Buffer.concat([authData, sha256(clientDataJSON)]));
    const userHandle = ceremony.userHandle === undefined ? credential.userHandle : ceremony.userHandle;
    return {
      id: b64url(credential.id), rawId: b64url(credential.id), type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), ...(userHandle === null ? {} : { userHandle }),
      },
    };
  }

  private flags(credential: SoftCredential, ceremony: SoftCeremonyOptions): number {
    const synced = this.synced.has(credential) ? FLAG_BE | FLAG_BS : 0;
    return FLAG_UP | (ceremony.userVerified === false ? 0 : FLAG_UV) | synced;
  }
}
