import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq } from 'drizzle-orm';
import {
  EmailTakenError, type IdentityStore, type LinkIdentityResult, type NewUser, type NewUserIdentity, type StoredUser,
  type UnlinkIdentityResult, type UserIdentity,
} from 'nestjs-authkit';
import { type Database, DRIZZLE, isUniqueViolation, UUID } from './drizzle.provider';
import { stored } from './drizzle-user.store';
import { userIdentities, users } from './schema';

/**
 * nestjs-authkit's `IdentityStore` (OAuth sign-in and linking) with Drizzle on PostgreSQL, over the same `users`
 * table as `DrizzleUserStore`. The database decides every race: the identity's primary key (claimed before the
 * user is inserted, in one transaction) for concurrent first sign-ins, `UNIQUE (user_id, provider)` for a second
 * identity of one provider, a row lock on the user for concurrent unlinks.
 */
@Injectable()
export class DrizzleIdentityStore implements IdentityStore {
  constructor(@Inject(DRIZZLE) private readonly db: Database) {}

  async findByIdentity(provider: string, providerUserId: string): Promise<StoredUser | null> {
    const [row] = await this.db.select({ user: users }).from(users)
      .innerJoin(userIdentities, eq(userIdentities.userId, users.id))
      .where(and(eq(userIdentities.provider, provider), eq(userIdentities.providerUserId, providerUserId)))
      .limit(1);
    return stored(row?.user);
  }

  async createWithIdentity(user: NewUser, identity: NewUserIdentity): Promise<{ user: StoredUser; created: boolean }> {
    const created = await this.db.transaction(async (tx) => {
      const id = randomUUID();
      if (!(await this.claim(tx, id, identity))) return null; // another sign-in owns it: nothing of ours is kept
      try {
        const [row] = await tx.insert(users).values({
          id, email: user.email, passwordHash: user.passwordHash, roles: [...user.roles], emailVerified: user.emailVerified,
        }).returning();
        return stored(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new EmailTakenError();
        throw error;
      }
    });
    if (created) return { user: created, created: true };
    const owner = await this.findByIdentity(identity.provider, identity.providerUserId);
    if (!owner) throw new Error('identity claimed by a transaction that did not commit; retry');
    return { user: owner, created: false };
  }

  async linkIdentity(userId: string, identity: NewUserIdentity): Promise<LinkIdentityResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.claim(this.db, userId, identity)) return { status: 'linked' };
      const [owner] = await this.db.select({ userId: userIdentities.userId }).from(userIdentities)
        .where(and(eq(userIdentities.provider, identity.provider), eq(userIdentities.providerUserId, identity.providerUserId)));
      if (owner) return owner.userId === userId ? { status: 'already-linked' } : { status: 'identity-taken', ownerId: owner.userId };
      const [sameProvider] = await this.db.select({ userId: userIdentities.userId }).from(userIdentities)
        .where(and(eq(userIdentities.userId, userId), eq(userIdentities.provider, identity.provider)));
      if (sameProvider) return { status: 'provider-taken' };
    }
    throw new Error('linkIdentity: the identity kept changing hands; retry');
  }

  async listIdentities(userId: string): Promise<UserIdentity[]> {
    if (!UUID.test(userId)) return [];
    const rows = await this.db.select().from(userIdentities).where(eq(userIdentities.userId, userId)).orderBy(asc(userIdentities.linkedAt));
    return rows.map((row) => ({
      provider: row.provider, providerUserId: row.providerUserId, email: row.email, emailVerified: row.emailVerified, linkedAt: row.linkedAt.getTime(),
    }));
  }

  /** The user's row is locked (FOR UPDATE) while its password and identities are counted and one is removed. */
  async unlinkIdentity(userId: string, provider: string): Promise<UnlinkIdentityResult> {
    if (!UUID.test(userId)) return 'not-found';
    return this.db.transaction(async (tx) => {
      const [user] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).for('update');
      if (!user) return 'not-found';
      const linked = await tx.select({ provider: userIdentities.provider }).from(userIdentities).where(eq(userIdentities.userId, userId));
      if (!linked.some((row) => row.provider === provider)) return 'not-found';
      if (!user.passwordHash && linked.length <= 1) return 'last-sign-in-method';
      await tx.delete(userIdentities).where(and(eq(userIdentities.userId, userId), eq(userIdentities.provider, provider)));
      return 'unlinked';
    });
  }

  async unlinkAllIdentities(userId: string): Promise<number> {
    if (!UUID.test(userId)) return 0;
    return (await this.db.delete(userIdentities).where(eq(userIdentities.userId, userId)).returning({ provider: userIdentities.provider })).length;
  }

  /** INSERT ... ON CONFLICT DO NOTHING: whether the row was inserted (false: the identity or the provider is taken). */
  private async claim(db: Pick<Database, 'insert'>, userId: string, identity: NewUserIdentity): Promise<boolean> {
    const rows = await db.insert(userIdentities).values({
      provider: identity.provider, providerUserId: identity.providerUserId, userId, email: identity.email, emailVerified: identity.emailVerified,
    }).onConflictDoNothing().returning({ userId: userIdentities.userId });
    return rows.length === 1;
  }
}
