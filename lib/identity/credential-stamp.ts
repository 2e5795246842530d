import { createHash } from 'node:crypto';
import type { StoredUser } from './user-store.interface';

/**
 * What a one-time token is bound to: the user's credential version (when the store keeps one), password
 * hash and email, hashed. A password change, a reset, a disable/enable that bumps the version, or a new
 * email makes every outstanding token of the user worthless, without touching the token store.
 */
export function credentialStamp(user: StoredUser): string {
  const version = (user as StoredUser & { credentialVersion?: number }).credentialVersion ?? 0;
  return createHash('sha256').update(`${version}\n${user.passwordHash ?? ''}\n${user.email ?? ''}`).digest('base64url').slice(0, 22);
}
