import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality of two secrets, MACs or hashes (as text): the one comparison every check of a presented
 * token against a stored or computed value goes through. The length is not hidden (every value compared here has
 * a fixed length per format); the contents are. `undefined` on either side (nothing stored) is never equal.
 *
 * @example
 * ```ts
 * if (!constantTimeEqual(stored.hash, presented.hash)) throw new TokenInvalidError();
 * ```
 */
export function constantTimeEqual(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
