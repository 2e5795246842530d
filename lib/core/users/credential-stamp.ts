import { createHash } from 'node:crypto';
import { credentialVersionOf, type StoredUser } from '../ports/user-store.interface';

/**
 * What a one-time token is bound to: the user's credential version (`StoredUser.credentialVersion`), password
 * hash and email, hashed. A password change, a reset, a disable/enable that bumps the version, or a new
 * email makes every outstanding token of the user worthless, without touching the token store.
 */
export function credentialStamp(user: StoredUser): string {
  const version = credentialVersionOf(user);
  return createHash('sha256').update(`${version}\n${user.passwordHash ?? ''}\n${user.email ?? ''}`).digest('base64url').slice(0, 22);
}
