import type { StoredUser } from './user-store.interface';
import type { UserRecordSource } from './session-store.interface';

/**
 * A user store whose records a session store may read inside its rotation script (one round trip for a refresh:
 * the default `RedisUserStore`). `inlineRecordSource()` answers null when reads must go through the store's own
 * methods (a subclass that overrides them).
 */
export interface InlineUserRecords {
  inlineRecordSource(): UserRecordSource | null;
  /** The user of a record as the script returned it (field -> value), or null when it is no user. */
  decodeUserRecord(record: Record<string, string>): StoredUser | null;
}

/** Whether `store` offers `InlineUserRecords`. */
export function hasInlineUserRecords(store: object): store is InlineUserRecords {
  const candidate = store as Partial<InlineUserRecords>;
  return typeof candidate.inlineRecordSource === 'function' && typeof candidate.decodeUserRecord === 'function';
}
