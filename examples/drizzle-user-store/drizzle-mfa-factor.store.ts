import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gt, isNotNull, lt, sql } from 'drizzle-orm';
import type { ConfirmTotpResult, MfaFactors, MfaFactorStore } from 'nestjs-authkit';
import { type Database, DRIZZLE } from './drizzle.provider';
import { mfaFactors, mfaRecoveryCodes } from './schema';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * nestjs-authkit's `MfaFactorStore` with Drizzle on PostgreSQL: the users' second factors next to the users
 * (`migrations/0001_authkit_mfa.sql`). Every check-and-change is one conditional statement (PostgreSQL re-checks the
 * WHERE of a row another transaction just changed), or a transaction that locks the user's row first: of two requests
 * with one TOTP code or one recovery code, one succeeds.
 *
 * ```ts
 * AuthModule.forRootAsync({
 *   imports: [DatabaseModule], inject: [DRIZZLE],
 *   useFactory: (db: Database) => ({ ..., mfa: { encryptionKeys, factorStore: new DrizzleMfaFactorStore(db) } }),
 * })
 * ```
 */
@Injectable()
export class DrizzleMfaFactorStore implements MfaFactorStore {
  constructor(@Inject(DRIZZLE) private readonly db: Database) {}

  async factors(userId: string, now: number): Promise<MfaFactors> {
    const [row] = await this.db.select({
      totp: mfaFactors.totpSecret, pending: mfaFactors.pendingTotpSecret, pendingExpiresAt: mfaFactors.pendingExpiresAt,
      codes: sql<number>`(SELECT count(*)::int FROM ${mfaRecoveryCodes} WHERE ${mfaRecoveryCodes.userId} = ${userId})`,
    }).from(mfaFactors).where(eq(mfaFactors.userId, userId));
    if (!row) return { totpSecret: null, pendingTotpSecret: null, recoveryCodesLeft: 0 };
    const pendingLive = row.pending !== null && (row.pendingExpiresAt ?? 0) > now;
    return { totpSecret: row.totp, pendingTotpSecret: pendingLive ? row.pending : null, recoveryCodesLeft: row.totp ? Number(row.codes) : 0 };
  }

  async savePendingTotp(userId: string, encryptedSecret: string, expiresAt: number): Promise<void> {
    await this.db.insert(mfaFactors).values({ userId, pendingTotpSecret: encryptedSecret, pendingExpiresAt: expiresAt })
      .onConflictDoUpdate({ target: mfaFactors.userId, set: { pendingTotpSecret: encryptedSecret, pendingExpiresAt: expiresAt } });
  }

  /** One UPDATE turns the live pending secret on if `step` is later than the last one; the codes follow in the same transaction. */
  async confirmTotp(userId: string, input: { step: number; recoveryCodeHashes: readonly string[]; now: number }): Promise<ConfirmTotpResult> {
    return this.db.transaction(async (tx) => {
      const confirmed = await tx.update(mfaFactors)
        .set({ totpSecret: sql`${mfaFactors.pendingTotpSecret}`, pendingTotpSecret: null, pendingExpiresAt: null, lastStep: input.step })
        .where(and(
          eq(mfaFactors.userId, userId), isNotNull(mfaFactors.pendingTotpSecret), gt(mfaFactors.pendingExpiresAt, input.now), lt(mfaFactors.lastStep, input.step),
        ))
        .returning({ userId: mfaFactors.userId });
      if (confirmed.length === 0) {
        const [row] = await tx.select().from(mfaFactors).where(eq(mfaFactors.userId, userId));
        return row?.pendingTotpSecret != null && (row.pendingExpiresAt ?? 0) > input.now ? 'replayed' : 'no_pending';
      }
      await this.setCodes(tx, userId, input.recoveryCodeHashes);
      return 'confirmed';
    });
  }

  async acceptStep(userId: string, step: number): Promise<boolean> {
    const accepted = await this.db.update(mfaFactors).set({ lastStep: step })
      .where(and(eq(mfaFactors.userId, userId), isNotNull(mfaFactors.totpSecret), lt(mfaFactors.lastStep, step)))
      .returning({ userId: mfaFactors.userId });
    return accepted.length === 1;
  }

  async useRecoveryCode(userId: string, codeHash: string): Promise<number | null> {
    const used = await this.db.delete(mfaRecoveryCodes)
      .where(and(
        eq(mfaRecoveryCodes.userId, userId), eq(mfaRecoveryCodes.codeHash, codeHash),
        sql`EXISTS (SELECT 1 FROM ${mfaFactors} WHERE ${mfaFactors.userId} = ${userId} AND ${mfaFactors.totpSecret} IS NOT NULL)`,
      ))
      .returning({ codeHash: mfaRecoveryCodes.codeHash });
    if (used.length === 0) return null;
    const [{ left }] = await this.db.select({ left: sql<number>`count(*)::int` }).from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
    return Number(left);
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select({ totp: mfaFactors.totpSecret }).from(mfaFactors).where(eq(mfaFactors.userId, userId)).for('update');
      if (!row?.totp) return false;
      await this.setCodes(tx, userId, codeHashes);
      return true;
    });
  }

  async removeAll(userId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(mfaFactors).where(eq(mfaFactors.userId, userId)).for('update');
      if (!row || (row.totpSecret === null && row.pendingTotpSecret === null)) return false;
      // The last accepted step stays: a code used before is not accepted after a new enrolment either.
      await tx.update(mfaFactors).set({ totpSecret: null, pendingTotpSecret: null, pendingExpiresAt: null }).where(eq(mfaFactors.userId, userId));
      await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
      return row.totpSecret !== null;
    });
  }

  private async setCodes(tx: Transaction, userId: string, codeHashes: readonly string[]): Promise<void> {
    await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
    if (codeHashes.length > 0) await tx.insert(mfaRecoveryCodes).values(codeHashes.map((codeHash) => ({ userId, codeHash })));
  }
}
