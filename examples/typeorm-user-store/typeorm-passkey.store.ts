import type { AddPasskeyResult, PasskeyCredentialStore, RecordUseResult, StoredPasskey } from 'nestjs-authkit';
import type { DataSource } from 'typeorm';
import { PasskeyCredentialEntity } from './passkey-credential.entity';

function toPasskey(row: PasskeyCredentialEntity): StoredPasskey {
  const { id, userId, publicKey, counter, transports, aaguid, backupEligible, backedUp, name, createdAt, lastUsedAt } = row;
  return { id, userId, publicKey, counter, transports, aaguid, backupEligible, backedUp, name, createdAt, lastUsedAt };
}

/**
 * nestjs-authkit's `PasskeyCredentialStore` with TypeORM on PostgreSQL (`create-passkeys.migration.ts`). `add` is one
 * transaction that takes a transaction-scoped advisory lock on the user (two registrations cannot both pass the
 * per-user limit) and inserts with `ON CONFLICT (id) DO NOTHING` (of two users registering one id, one wins);
 * `recordUse` is one conditional UPDATE (PostgreSQL re-checks the WHERE of a row another transaction just changed:
 * of two uses with one counter value, one wins).
 *
 * ```ts
 * AuthModule.forRootAsync({
 *   imports: [UsersModule], inject: [DataSource],
 *   useFactory: (dataSource: DataSource) => ({ ..., passkeys: { rpId, origins, stores: { credentials: new TypeOrmPasskeyStore(dataSource) } } }),
 * })
 * ```
 */
export class TypeOrmPasskeyStore implements PasskeyCredentialStore {
  constructor(private readonly dataSource: DataSource) {}

  async add(passkey: StoredPasskey, maxPerUser: number): Promise<AddPasskeyResult> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`authkit:passkeys:${passkey.userId}`]);
      if (await manager.existsBy(PasskeyCredentialEntity, { id: passkey.id })) return 'taken';
      if ((await manager.countBy(PasskeyCredentialEntity, { userId: passkey.userId })) >= maxPerUser) return 'limit';
      // Another user's concurrent insert of this id waits here for the first to commit, then does nothing. Read the
      // rows PostgreSQL returned (`raw`): TypeORM's `identifiers` repeat the given id even when nothing was inserted.
      const { raw } = await manager.createQueryBuilder().insert().into(PasskeyCredentialEntity)
        .values({ ...passkey, transports: [...passkey.transports] }).orIgnore().returning('id').execute();
      return (raw as unknown[]).length === 1 ? 'added' : 'taken';
    });
  }

  async list(userId: string): Promise<StoredPasskey[]> {
    const rows = await this.dataSource.manager.createQueryBuilder(PasskeyCredentialEntity, 'passkey').where('passkey.user_id = :userId', { userId })
      .orderBy('passkey.created_at', 'ASC').addOrderBy('passkey.seq', 'ASC').getMany();
    return rows.map(toPasskey);
  }

  async find(userId: string, id: string): Promise<StoredPasskey | null> {
    const row = await this.dataSource.manager.findOneBy(PasskeyCredentialEntity, { userId, id });
    return row ? toPasskey(row) : null;
  }

  async recordUse(userId: string, id: string, use: { counter: number; backedUp: boolean; now: number }): Promise<RecordUseResult> {
    const { affected } = await this.dataSource.manager.createQueryBuilder().update(PasskeyCredentialEntity)
      .set({ counter: use.counter, backedUp: use.backedUp, lastUsedAt: use.now })
      .where('user_id = :userId AND id = :id', { userId, id })
      .andWhere(use.counter === 0 ? 'counter = 0' : 'counter < :counter', { counter: use.counter })
      .execute();
    if (affected === 1) return 'ok';
    return (await this.dataSource.manager.existsBy(PasskeyCredentialEntity, { userId, id })) ? 'counter' : 'missing';
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    const { affected } = await this.dataSource.manager.update(PasskeyCredentialEntity, { userId, id }, { name });
    return affected === 1;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const { affected } = await this.dataSource.manager.delete(PasskeyCredentialEntity, { userId, id });
    return affected === 1;
  }

  async removeAll(userId: string): Promise<string[]> {
    const { raw } = await this.dataSource.manager.createQueryBuilder().delete().from(PasskeyCredentialEntity)
      .where('user_id = :userId', { userId }).returning('id').execute();
    return (raw as Array<{ id: string }>).map(({ id }) => id);
  }
}
