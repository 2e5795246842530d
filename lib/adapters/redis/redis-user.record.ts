import type { UserRecordFields } from '../../core/ports/session-store.interface';
import type { StoredUser } from '../../core/ports/user-store.interface';
import type { UserIdentity } from '../../core/ports/identity-store.interface';

/**
 * The fields of a user's hash a session rotation checks in the same script (see `UserRecordRotation`): the
 * hash's format is here, with `decodeUserRecord` (what `RedisUserStore` writes, and its rotation script reads).
 */
export const USER_RECORD_FIELDS: UserRecordFields = { presence: 'id', disabled: 'dis', disabledValue: '1', credentialVersion: 'cv' };

/** A user's hash (HGETALL) as a `StoredUser`; null for a missing record (no `id`). */
export function decodeUserRecord(hash: Record<string, string>): StoredUser | null {
  if (!hash.id) return null;
  let roles: string[] = [];
  try {
    const parsed: unknown = JSON.parse(hash.roles ?? '[]');
    if (Array.isArray(parsed)) roles = parsed.filter((r): r is string => typeof r === 'string');
  } catch {
    roles = [];
  }
  return {
    id: hash.id,
    email: hash.email ? hash.email : null,
    passwordHash: hash.pwd ? hash.pwd : null,
    roles,
    emailVerified: hash.ev === '1',
    disabled: hash.dis === '1',
    credentialVersion: Number.parseInt(hash.cv ?? '0', 10) || 0,
    ...(hash.prof ? { profile: parseProfile(hash.prof) } : {}),
  };
}

function parseProfile(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function parseIdentity(raw: string): UserIdentity | null {
  try {
    const value = JSON.parse(raw) as Partial<UserIdentity>;
    if (typeof value?.provider !== 'string' || typeof value.providerUserId !== 'string') return null;
    return {
      provider: value.provider,
      providerUserId: value.providerUserId,
      email: typeof value.email === 'string' ? value.email : null,
      emailVerified: value.emailVerified === true,
      linkedAt: typeof value.linkedAt === 'number' ? value.linkedAt : 0,
    };
  } catch {
    return null;
  }
}
