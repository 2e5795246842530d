import { hasUserRecordRotation, type RotateResult, type RotateSessionInput, type SessionStore } from '../ports/session-store.interface';
import { hasInlineUserRecords } from '../ports/user-record-source';
import { credentialVersionOf, type StoredUser, type UserStore } from '../ports/user-store.interface';

/** What a refresh's rotation yields: the user (as read in the same step) when the session rotated or was a duplicate. */
export type RefreshRotationOutcome =
  | (Extract<RotateResult, { status: 'rotated' | 'duplicate' }> & { user: StoredUser })
  | Exclude<RotateResult, { status: 'rotated' | 'duplicate' }>;

/**
 * Rotates a refresh's session and reads its user; a user missing or disabled deletes the session (`invalid`).
 * `beforeRotate` runs on the user between the read and the rotation (if it throws, nothing is rotated: the
 * presented token stays valid); passing it means the user is read first, in a round trip of its own.
 */
export type RefreshRotation = (
  input: Omit<RotateSessionInput, 'credentialVersion'>,
  beforeRotate?: (user: StoredUser) => Promise<void>,
) => Promise<RefreshRotationOutcome>;

function outcome(result: RotateResult, user: StoredUser | null): RefreshRotationOutcome {
  if (result.status === 'rotated' || result.status === 'duplicate') {
    return user ? { ...result, user } : { status: 'invalid' };
  }
  return result;
}

/**
 * How `AuthService.refresh` reads the user and rotates the session:
 * - ONE round trip when the user store lets its records be read inline (`InlineUserRecords`: the default
 *   `RedisUserStore`, not a subclass, whose overrides would be bypassed) and the session store reads them
 *   (`UserRecordRotation`: same client and key prefix, so the user's hash is in the slot of the sessions). The
 *   script checks the user (missing or disabled: session deleted) and the credential version, and returns the
 *   record, decoded by the user store.
 * - Otherwise, or when the call has a `beforeRotate`, two: the user is read first (if that read fails the presented token stays valid for a retry),
 *   a missing or disabled user's session is revoked, then the session is rotated with the user's version.
 */
export function refreshRotation(sessions: SessionStore, users: UserStore): RefreshRotation {
  const source = hasInlineUserRecords(users) ? users.inlineRecordSource() : null;
  const oneScript = source && hasUserRecordRotation(sessions) && sessions.readsUserRecordsOf(source) ? sessions : undefined;
  return async (input, beforeRotate) => {
    if (oneScript && source && !beforeRotate) {
      const { result, userRecord } = await oneScript.rotateWithUserRecord(input, source.fields);
      return outcome(result, userRecord && hasInlineUserRecords(users) ? users.decodeUserRecord(userRecord) : null);
    }
    const user = await users.findById(input.userId);
    if (!user || user.disabled) {
      await sessions.revoke(input.userId, input.sessionId);
      return { status: 'invalid' };
    }
    await beforeRotate?.(user);
    return outcome(await sessions.rotate({ ...input, credentialVersion: credentialVersionOf(user) }), user);
  };
}
