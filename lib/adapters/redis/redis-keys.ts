const SAFE_TAG = /^[A-Za-z0-9_.:@-]{1,128}$/;
/** Marks an encoded user id in a tag; raw ids never start with it, so the encoding is one-to-one. */
const ENCODED = 'b64.';

/**
 * Key layout. Everything of one user shares the hash tag `{<userId>}`, so every script touches one
 * slot and Redis Cluster works. User ids with characters outside a safe set, and ids that start with
 * `b64.` themselves, are base64url-encoded inside the tag behind `b64.` (a `}` in an id would otherwise end
 * the tag early), so two different ids never share a tag.
 */
export class RedisKeys {
  constructor(private readonly prefix: string) {}

  userTag(userId: string): string {
    return SAFE_TAG.test(userId) && !userId.startsWith(ENCODED) ? userId : `${ENCODED}${Buffer.from(userId, 'utf8').toString('base64url')}`;
  }

  /**
   * Hash of all the user's sessions, one record per session (layout in `adapters/redis/session-record.codec.ts`).
   * One key per user keeps Redis' per-key overhead (~150 bytes) out of the per-session cost.
   */
  sessions(userId: string): string {
    return `${this.prefix}:{${this.userTag(userId)}}:s`;
  }

  user(userId: string): string {
    return `${this.prefix}:{${this.userTag(userId)}}:user`;
  }

  email(normalizedEmail: string): string {
    return `${this.prefix}:email:${normalizedEmail}`;
  }

  /** OAuth identity -> user id. */
  identity(provider: string, providerUserId: string): string {
    return `${this.prefix}:identity:${provider}:${providerUserId}`;
  }

  /** Hash of the user's OAuth identities (field: provider), in the user's slot. */
  identities(userId: string): string {
    return `${this.prefix}:{${this.userTag(userId)}}:identities`;
  }

  /** A user's one-time token of one kind (password reset, email verification), in the user's slot. */
  oneTimeToken(userId: string, kind: string): string {
    return `${this.prefix}:{${this.userTag(userId)}}:ott:${kind}`;
  }
}
