import { createHash, timingSafeEqual } from 'node:crypto';
import { failOption as fail, positiveInteger } from '../options/options.validation';

/**
 * The breached-password check of new passwords (`passwordPolicy.breached`), on the k-anonymity range API of
 * Have I Been Pwned's Pwned Passwords (or a server that speaks it): only the first 5 hex characters of the
 * password's SHA-1 leave the server (`GET <url>/range/<prefix>`, answered with `SUFFIX:COUNT` lines, padded).
 * NIST SP 800-63B-4 asks new passwords to be compared with a list of compromised ones.
 *
 * @example
 * ```ts
 * AuthModule.forRoot({ jwt, passwordPolicy: { breached: { timeoutMs: 1000, onUnavailable: 'refuse' } } })
 * ```
 */
export interface BreachedPasswordOptions {
  /** Base URL of the range API. Default `https://api.pwnedpasswords.com` (`/range/<prefix>` is appended). */
  url?: string;
  /** How long to wait for an answer, in ms (1..10000). Default 1500. */
  timeoutMs?: number;
  /**
   * When the service does not answer in time (or answers garbage): `'allow'` (default, fail open: the password
   * is judged by the rest of the policy) or `'refuse'` (fail closed: 503 `breach_check_unavailable`).
   */
  onUnavailable?: 'allow' | 'refuse';
}

/** `BreachedPasswordOptions` after defaults and validation. */
export interface ResolvedBreachedPasswordOptions {
  url: string;
  timeoutMs: number;
  onUnavailable: 'allow' | 'refuse';
}

/** Applies defaults to `passwordPolicy.breached` (`true` for all defaults); `undefined` when it is off. */
export function resolveBreachedPasswordOptions(options: BreachedPasswordOptions | boolean | undefined): ResolvedBreachedPasswordOptions | undefined {
  if (options === undefined || options === false) return undefined;
  const given = options === true ? {} : options;
  if (given === null || typeof given !== 'object') fail('passwordPolicy.breached', 'must be true, false or an object');
  const url = given.url ?? 'https://api.pwnedpasswords.com';
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname))) {
    fail('passwordPolicy.breached.url', 'must be an https: URL (http: only on localhost)');
  }
  const timeoutMs = positiveInteger(given.timeoutMs, 'passwordPolicy.breached.timeoutMs', 1500);
  if (timeoutMs > 10_000) fail('passwordPolicy.breached.timeoutMs', 'must be at most 10000 (ms)');
  const onUnavailable = given.onUnavailable ?? 'allow';
  if (onUnavailable !== 'allow' && onUnavailable !== 'refuse') fail('passwordPolicy.breached.onUnavailable', "must be 'allow' or 'refuse'");
  return { url: url.replace(/\/+$/, ''), timeoutMs, onUnavailable };
}

/** Range answers kept (public data: suffixes of breached hashes), and for how long. */
const CACHE_ENTRIES = 256;
const CACHE_TTL_MS = 60_000;

/** Asks the range API whether a password is breached; `'unavailable'` when it cannot tell. */
export class BreachedPasswords {
  /** prefix -> breached suffixes (a reset checks the password twice: before and inside the change). */
  private readonly cache = new Map<string, { suffixes: string[]; expiresAt: number }>();

  constructor(private readonly options: ResolvedBreachedPasswordOptions, private readonly now: () => number = Date.now) {}

  async check(password: string): Promise<'breached' | 'clean' | 'unavailable'> {
    const digest = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    const prefix = digest.slice(0, 5);
    const suffix = Buffer.from(digest.slice(5));
    const suffixes = await this.range(prefix);
    if (!suffixes) return 'unavailable';
    let found = false;
    for (const candidate of suffixes) {
      const other = Buffer.from(candidate);
      if (other.length === suffix.length && timingSafeEqual(other, suffix)) found = true;
    }
    return found ? 'breached' : 'clean';
  }

  /** The breached suffixes of a prefix (count > 0; padding lines have 0), or `undefined` when unavailable. */
  private async range(prefix: string): Promise<string[] | undefined> {
    const cached = this.cache.get(prefix);
    if (cached && cached.expiresAt > this.now()) return cached.suffixes;
    let text: string;
    try {
      const response = await fetch(`${this.options.url}/range/${prefix}`, {
        headers: { 'Add-Padding': 'true', 'User-Agent': 'nestjs-authkit' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) return undefined;
      text = await response.text();
    } catch {
      return undefined;
    }
    const suffixes: string[] = [];
    let lines = 0;
    for (const line of text.split('\n')) {
      const match = /^([0-9A-Fa-f]{35}):(\d+)$/.exec(line.trim());
      if (!match) continue;
      lines += 1;
      if (Number(match[2]) > 0) suffixes.push(match[1].toUpperCase());
    }
    if (lines === 0) return undefined; // not the range API's answer
    this.cache.delete(prefix);
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(prefix, { suffixes, expiresAt: this.now() + CACHE_TTL_MS });
    return suffixes;
  }
}
