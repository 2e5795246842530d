import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { AddPasskeyResult, PasskeyCredentialStore, RecordUseResult, StoredPasskey } from 'nestjs-authkit';
import { type Database, DRIZZLE } from './drizzle.provider';
import { passkeyCredentials } from './passkeys.schema';

type Row = typeof passkeyCredentials.$inferSelect;

function toPasskey({ seq: _seq, ...row }: Row): StoredPasskey {
  return row;
}

/**
 * nestjs-authkit's `PasskeyCredentialStore` with Drizzle on PostgreSQL (`migrations/0003_authkit_passkeys.sql`).
 * `add` is one transaction that takes a transaction-scoped advisory lock on the user (so two registrations cannot
 * both pass the per-user limit) and inserts with `ON CONFLICT (id) DO NOTHING` (of two users registering one id, one
 * wins); `recordUse` is one conditional UPDATE (PostgreSQL re-checks the WHERE of a row another transaction just
 * changed: of two uses with one counter value, one wins).
 *
 * ```ts
 * AuthModule.forRootAsync({
 *   imports: [DatabaseModule], inject: [DRIZZLE],
 *   useFactory: (db: Database) => ({ ..., passkeys: { rpId, origins, stores: { credentials: new DrizzlePasskeyStore(db) } } }),
 * })
 * ```
 */
@Injectable()
export class DrizzlePasskeyStore implements PasskeyCredentialStore {
  constructor(@Inject(DRIZZLE) private readonly db: Database) {}

  async add(passkey: StoredPasskey, maxPerUser: number): Promise<AddPasskeyResult> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`authkit:passkeys:${passkey.userId}`}, 0))`);
      const [taken] = await tx.select({ id: passkeyCredentials.id }).from(passkeyCredentials).where(eq(passkeyCredentials.id, passkey.id));
      if (taken) return 'taken';
      const [{ count }] = await tx.select({ count: sql<number>`count(*)::int` }).from(passkeyCredentials).where(eq(passkeyCredentials.userId, passkey.userId));
      if (Number(count) >= maxPerUser) return 'limit';
      // Another user's concurrent insert of this id waits here for the first to commit, then does nothing.
      const inserted = await tx.insert(passkeyCredentials).values({ ...passkey, transports: [...passkey.transports] })
        .onConflictDoNothing({ target: passkeyCredentials.id }).returning({ id: passkeyCredentials.id });
      return inserted.length === 1 ? 'added' : 'taken';
    });
  }

  async list(userId: string): Promise<StoredPasskey[]> {
    const rows = await this.db.select().from(passkeyCredentials).where(eq(passkeyCredentials.userId, userId))
      .orderBy(asc(passkeyCredentials.createdAt), asc(passkeyCredentials.seq));
    return rows.map(toPasskey);
  }

  async find(userId: string, id: string): Promise<StoredPasskey | null> {
    const [row] = await this.db.select().from(passkeyCredentials).where(this.mine(userId, id));
    return row ? toPasskey(row) : null;
  }

  async recordUse(userId: string, id: string, use: { counter: number; backedUp: boolean; now: number }): Promise<RecordUseResult> {
    const forward = use.counter === 0 ? eq(passkeyCredentials.counter, 0) : lt(passkeyCredentials.counter, use.counter);
    const updated = await this.db.update(passkeyCredentials).set({ counter: use.counter, backedUp: use.backedUp, lastUsedAt: use.now })
      .where(and(this.mine(userId, id), forward)).returning({ id: passkeyCredentials.id });
    if (updated.length === 1) return 'ok';
    return (await this.find(userId, id)) ? 'counter' : 'missing';
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const renamed = await this.db.update(passkeyCredentials).set({ name }).where(this.mine(userId, id)).returning({ id: passkeyCredentials.id });
    return renamed.length === 1;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const removed = await this.db.delete(passkeyCredentials).where(this.mine(userId, id)).returning({ id: passkeyCredentials.id });
    return removed.length === 1;
  }

  async removeAll(userId: string): Promise<string[]> {
    const removed = await this.db.delete(passkeyCredentials).where(eq(passkeyCredentials.userId, userId)).returning({ id: passkeyCredentials.id });
    return removed.map(({ id }) => id);
  }

  private mine(userId: string, id: string) {
    return and(eq(passkeyCredentials.userId, userId), eq(passkeyCredentials.id, id));
  }
}
