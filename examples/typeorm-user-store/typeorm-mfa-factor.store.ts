import type { ConfirmTotpResult, MfaFactors, MfaFactorStore } from 'nestjs-authkit';
import type { DataSource, EntityManager } from 'typeorm';
import { MfaFactorEntity, MfaRecoveryCodeEntity } from './mfa-factor.entity';

/**
 * nestjs-authkit's `MfaFactorStore` with TypeORM on PostgreSQL: the users' second factors next to the users
 * (`create-mfa-factors.migration.ts`). Every check-and-change is one conditional statement (PostgreSQL re-checks the
 * WHERE of a row another transaction just changed), or a transaction that locks the user's row first: of two requests
 * with one TOTP code or one recovery code, one succeeds.
 *
 * ```ts
 * AuthModule.forRootAsync({
 *   imports: [UsersModule], inject: [DataSource],
 *   useFactory: (dataSource: DataSource) => ({ ..., mfa: { encryptionKeys, factorStore: new TypeOrmMfaFactorStore(dataSource) } }),
 * })
 * ```
 */
export class TypeOrmMfaFactorStore implements MfaFactorStore {
  constructor(private readonly dataSource: DataSource) {}

  async factors(userId: string, now: number): Promise<MfaFactors> {
    const row = await this.dataSource.manager.findOneBy(MfaFactorEntity, { userId });
    if (!row) return { totpSecret: null, pendingTotpSecret: null, recoveryCodesLeft: 0 };
    const pendingLive = row.pendingTotpSecret !== null && (row.pendingExpiresAt ?? 0) > now;
    return {
      totpSecret: row.totpSecret,
      pendingTotpSecret: pendingLive ? row.pendingTotpSecret : null,
      recoveryCodesLeft: row.totpSecret ? await this.dataSource.manager.countBy(MfaRecoveryCodeEntity, { userId }) : 0,
    };
  }

  async savePendingTotp(userId: string, encryptedSecret: string, expiresAt: number): Promise<void> {
    await this.dataSource.manager.upsert(MfaFactorEntity, { userId, pendingTotpSecret: encryptedSecret, pendingExpiresAt: expiresAt }, ['userId']);
  }

  /** One UPDATE turns the live pending secret on if `step` is later than the last one; the codes follow in the same transaction. */
  async confirmTotp(userId: string, input: { step: number; recoveryCodeHashes: readonly string[]; now: number }): Promise<ConfirmTotpResult> {
    return this.dataSource.transaction(async (manager) => {
      const { affected } = await manager.createQueryBuilder().update(MfaFactorEntity)
        .set({ totpSecret: () => 'pending_totp_secret', pendingTotpSecret: null, pendingExpiresAt: null, lastStep: input.step })
        .where('user_id = :userId AND pending_totp_secret IS NOT NULL AND pending_expires_at > :now AND last_step < :step', { userId, now: input.now, step: input.step })
        .execute();
      if (!affected) {
        const row = await manager.findOneBy(MfaFactorEntity, { userId });
        return row?.pendingTotpSecret != null && (row.pendingExpiresAt ?? 0) > input.now ? 'replayed' : 'no_pending';
      }
      await setCodes(manager, userId, input.recoveryCodeHashes);
      return 'confirmed';
    });
  }

  async acceptStep(userId: string, step: number): Promise<boolean> {
    const { affected } = await this.dataSource.createQueryBuilder().update(MfaFactorEntity).set({ lastStep: step })
      .where('user_id = :userId AND totp_secret IS NOT NULL AND last_step < :step', { userId, step })
      .execute();
    return affected === 1;
  }

  async useRecoveryCode(userId: string, codeHash: string): Promise<number | null> {
    const { affected } = await this.dataSource.createQueryBuilder().delete().from(MfaRecoveryCodeEntity)
      .where('user_id = :userId AND code_hash = :codeHash', { userId, codeHash })
      .andWhere('EXISTS (SELECT 1 FROM mfa_factors f WHERE f.user_id = :userId AND f.totp_secret IS NOT NULL)')
      .execute();
    if (!affected) return null;
    return this.dataSource.manager.countBy(MfaRecoveryCodeEntity, { userId });
  }

  async replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(MfaFactorEntity, { where: { userId }, lock: { mode: 'pessimistic_write' } });
      if (!row?.totpSecret) return false;
      await setCodes(manager, userId, codeHashes);
      return true;
    });
  }

  async removeAll(userId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(MfaFactorEntity, { where: { userId }, lock: { mode: 'pessimistic_write' } });
      if (!row || (row.totpSecret === null && row.pendingTotpSecret === null)) return false;
      // The last accepted step stays: a code used before is not accepted after a new enrolment either.
      await manager.update(MfaFactorEntity, { userId }, { totpSecret: null, pendingTotpSecret: null, pendingExpiresAt: null });
      await manager.delete(MfaRecoveryCodeEntity, { userId });
      return row.totpSecret !== null;
    });
  }
}

async function setCodes(manager: EntityManager, userId: string, codeHashes: readonly string[]): Promise<void> {
  await manager.delete(MfaRecoveryCodeEntity, { userId });
  if (codeHashes.length > 0) await manager.insert(MfaRecoveryCodeEntity, codeHashes.map((codeHash) => ({ userId, codeHash })));
}
