import { createHash, createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { EDDSA_UNSUPPORTED, type JwtAlgorithm, type KeyInput, type ResolvedJwtOptions } from './jwt.options';

/** A key ready for jsonwebtoken: a `KeyObject`, created once at start-up, and its one algorithm. */
export interface JwtKey {
  keyId: string;
  algorithm: JwtAlgorithm;
  key: KeyObject;
}

export interface SigningKeys {
  signing: JwtKey & { verifyKey: KeyObject };
  /** Every key that verifies, by `kid` (the signing key included). */
  verification: ReadonlyMap<string, JwtKey>;
}

const HMAC_MIN_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** Why `EdDSA` is refused at start-up (see README, "Keys"). */
/** The algorithms jsonwebtoken signs and verifies; `none` and `EdDSA` are not among them. */
const SUPPORTED_ALGORITHM = /^(HS|RS|PS|ES)(256|384|512)$/;

function fail(option: string, problem: string): never {
  throw new TypeError(`nestjs-authkit: option "${option}" ${problem}`);
}

function isHmac(algorithm: JwtAlgorithm): boolean {
  return algorithm.startsWith('HS');
}

function toSecretKey(input: KeyInput | undefined, algorithm: JwtAlgorithm, option: string): KeyObject {
  if (input === undefined || input === null || (typeof input === 'string' && input.length === 0)) {
    fail(option, `is required for ${algorithm}`);
  }
  const key = input instanceof KeyObject ? input : createSecretKey(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
  if (key.type !== 'secret') fail(option, `must be a secret (symmetric) key for ${algorithm}`);
  const min = HMAC_MIN_BYTES[algorithm];
  if ((key.symmetricKeySize ?? 0) < min) fail(option, `must be at least ${min} bytes for ${algorithm} (got ${key.symmetricKeySize ?? 0})`);
  return key;
}

function toAsymmetricKey(input: KeyInput, kind: 'private' | 'public', option: string): KeyObject {
  try {
    if (input instanceof KeyObject) return input;
    return kind === 'private' ? createPrivateKey(input) : createPublicKey(input);
  } catch (cause) {
    throw new TypeError(`nestjs-authkit: option "${option}" is not a valid ${kind} key`, { cause });
  }
}

/** Refuses EdDSA and anything jsonwebtoken cannot do, naming the option. */
function checkAlgorithm(algorithm: unknown, option: string): asserts algorithm is JwtAlgorithm {
  if (algorithm === 'EdDSA') fail(option, EDDSA_UNSUPPORTED);
  if (typeof algorithm !== 'string' || !SUPPORTED_ALGORITHM.test(algorithm)) {
    fail(option, `must be HS256/384/512, RS256/384/512, PS256/384/512 or ES256/384/512 (got ${JSON.stringify(algorithm)})`);
  }
}

/** The key checks jsonwebtoken makes on every call, made once here so a misfit key stops the start-up. */
function checkAsymmetric(key: KeyObject, algorithm: JwtAlgorithm, option: string): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (algorithm.startsWith('RS') || algorithm.startsWith('PS')) {
    if (type !== 'rsa' && !(type === 'rsa-pss' && algorithm.startsWith('PS'))) fail(option, `must be an RSA key for ${algorithm}`);
    if ((details?.modulusLength ?? 0) < 2048) fail(option, 'must be an RSA key of at least 2048 bits');
    if (type === 'rsa-pss') {
      const hash = `sha${algorithm.slice(2)}`;
      if (details?.hashAlgorithm !== hash || details.mgf1HashAlgorithm !== hash || (details.saltLength ?? 0) > Number(algorithm.slice(2)) / 8) {
        fail(option, `is an RSA-PSS key whose parameters do not fit ${algorithm} (hash and MGF1 hash ${hash}, salt of at most ${Number(algorithm.slice(2)) / 8} bytes)`);
      }
    }
  } else if (algorithm.startsWith('ES')) {
    if (type !== 'ec' || details?.namedCurve !== EC_CURVES[algorithm]) {
      fail(option, `must be an EC key on ${EC_CURVES[algorithm]} for ${algorithm}`);
    }
  }
}

function verificationKey(input: KeyInput | undefined, algorithm: JwtAlgorithm, option: string): KeyObject {
  if (isHmac(algorithm)) return toSecretKey(input, algorithm, option);
  if (input === undefined) fail(option, `is required for ${algorithm}`);
  const key = toAsymmetricKey(input, 'public', option);
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  checkAsymmetric(pub, algorithm, option);
  return pub;
}

function fingerprint(key: KeyObject): string {
  const material = key.type === 'secret' ? Buffer.concat([Buffer.from('authkit-kid:'), key.export()]) : key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(material).digest('base64url').slice(0, 16);
}

/** Turns the `jwt` options into KeyObjects, once. Throws a `TypeError` naming the bad option. */
export function createSigningKeys(jwt: ResolvedJwtOptions): SigningKeys {
  const { algorithm } = jwt;
  checkAlgorithm(algorithm, 'jwt.algorithm');
  let signKey: KeyObject;
  let verifyKey: KeyObject;
  if (isHmac(algorithm)) {
    signKey = verifyKey = toSecretKey(jwt.secret, algorithm, 'jwt.secret');
  } else {
    if (jwt.privateKey === undefined) fail('jwt.privateKey', `is required for ${algorithm}`);
    signKey = toAsymmetricKey(jwt.privateKey, 'private', 'jwt.privateKey');
    if (signKey.type !== 'private') fail('jwt.privateKey', 'must be a private key');
    checkAsymmetric(signKey, algorithm, 'jwt.privateKey');
    verifyKey = jwt.publicKey !== undefined ? verificationKey(jwt.publicKey, algorithm, 'jwt.publicKey') : createPublicKey(signKey);
  }
  const keyId = jwt.keyId ?? fingerprint(verifyKey);
  if (typeof keyId !== 'string' || !keyId) fail('jwt.keyId', 'must be a non-empty string');
  const verification = new Map<string, JwtKey>([[keyId, { keyId, algorithm, key: verifyKey }]]);
  (jwt.verificationKeys ?? []).forEach((extra, i) => {
    const option = `jwt.verificationKeys[${i}]`;
    if (!extra?.keyId) fail(`${option}.keyId`, 'is required');
    checkAlgorithm(extra.algorithm, `${option}.algorithm`);
    if (verification.has(extra.keyId)) fail(`${option}.keyId`, `duplicates kid ${JSON.stringify(extra.keyId)}`);
    verification.set(extra.keyId, { keyId: extra.keyId, algorithm: extra.algorithm, key: verificationKey(extra.key, extra.algorithm, `${option}.key`) });
  });
  return { signing: { keyId, algorithm, key: signKey, verifyKey }, verification };
}
