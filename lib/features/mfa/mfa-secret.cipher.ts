import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One key of the ring: `id` names it in every ciphertext, so keys can rotate. */
export interface MfaEncryptionKey {
  id: string;
  /** 32 bytes: a Buffer, or a string of 64 hex characters or 43-44 base64/base64url characters. */
  key: Buffer | string;
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts TOTP secrets at rest with AES-256-GCM under a key ring: the first key encrypts, every key decrypts
 * (the ciphertext names its key), so a new key goes first and the old ones stay while a secret names them
 * (`isStale` tells). The user id is the additional authenticated data: a
 * ciphertext copied to another user's record does not decrypt. Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>`
 * (base64url parts).
 */
export class MfaSecretCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly currentId: string;

  constructor(keys: ReadonlyArray<{ id: string; key: Buffer }>) {
    if (keys.length === 0) throw new TypeError('nestjs-authkit: MfaSecretCipher needs at least one key');
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
    this.currentId = keys[0].id;
  }

  encrypt(secret: Buffer, userId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    return [FORMAT, this.currentId, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** The secret, or null when the text is not one of this ring's ciphertexts for this user (unknown key, tampered). */
  decrypt(text: string, userId: string): Buffer | null {
    const parts = text.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT) return null;
    const key = this.keys.get(parts[1]);
    if (!key) return null;
    try {
      const iv = Buffer.from(parts[2], 'base64url');
      const tag = Buffer.from(parts[4], 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(userId, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]);
    } catch {
      return null;
    }
  }

  /** Whether a ciphertext is under an older key than the current one. */
  isStale(text: string): boolean {
    return text.split('.')[1] !== this.currentId;
  }
}

/** A key given as a Buffer, hex or base64(url), as 32 bytes; a `TypeError` naming `where` otherwise. */
export function encryptionKeyBytes(key: unknown, where: string): Buffer {
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(key)) bytes = key;
  else if (typeof key === 'string' && /^[0-9a-fA-F]{64}$/.test(key)) bytes = Buffer.from(key, 'hex');
  else if (typeof key === 'string' && /^[A-Za-z0-9+/_-]{43}=?$/.test(key)) bytes = Buffer.from(key, 'base64');
  if (!bytes || bytes.length !== 32) {
    throw new TypeError(`nestjs-authkit: option "${where}" must be 32 bytes: a Buffer, 64 hex characters or base64 (e.g. openssl rand -base64 32)`);
  }
  return Buffer.from(bytes);
}
