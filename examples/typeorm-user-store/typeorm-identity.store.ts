import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type {
  IdentityStore, LinkIdentityResult, NewUser, NewUserIdentity, StoredUser, UnlinkIdentityResult, UserIdentity,
} from 'nestjs-authkit';
import type { EntityManager, Repository } from 'typeorm';
import { emailTakenOr, stored, UUID } from './typeorm-user.store';
import { UserEntity } from './user.entity';
import { UserIdentityEntity } from './user-identity.entity';

function identity(row: UserIdentityEntity): UserIdentity {
  return {
    provider: row.provider, providerUserId: row.providerUserId, email: row.email, emailVerified: row.emailVerified, linkedAt: row.linkedAt.getTime(),
  };
}

/**
 * nestjs-authkit's `IdentityStore` (OAuth sign-in and linking) on TypeORM + PostgreSQL, over the same `users` table as
 * `TypeOrmUserStore` and the `user_identities` table. Every outcome the library relies on is decided by the
 * database in one statement or one transaction:
 * - the identity's primary key decides concurrent first sign-ins (`createWithIdentity` claims it before it inserts
 *   the user; the losers roll back and get the winner);
 * - `UNIQUE (user_id, provider)` refuses a second identity of one provider;
 * - `unlinkIdentity` locks the user's row, so two unlinks of a password-less user cannot both remove a way in.
 *
 * ```ts
 * useFactory: () => ({ ..., userStore: TypeOrmUserStore, identityStore: TypeOrmIdentityStore })
 * ```
 */
@Injectable()
export class TypeOrmIdentityStore implements IdentityStore {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(UserIdentityEntity) private readonly identities: Repository<UserIdentityEntity>,
  ) {}

  async findByIdentity(provider: string, providerUserId: string): Promise<StoredUser | null> {
    const row = await this.users.createQueryBuilder('user')
      .innerJoin(UserIdentityEntity, 'identity', 'identity.user_id = user.id')
      .where('identity.provider = :provider AND identity.provider_user_id = :providerUserId', { provider, providerUserId })
      .getOne();
    return stored(row);
  }

  /** One transaction: claim the identity (ON CONFLICT DO NOTHING), then insert the user; the foreign key is checked at COMMIT. */
  async createWithIdentity(user: NewUser, linked: NewUserIdentity): Promise<{ user: StoredUser; created: boolean }> {
    const created = await this.identities.manager.transaction(async (manager) => {
      const id = randomUUID();
      if (!(await this.claim(manager, id, linked))) return null; // another sign-in owns it: nothing of ours is kept
      await manager.insert(UserEntity, {
        id, email: user.email, passwordHash: user.passwordHash, roles: [...user.roles], emailVerified: user.emailVerified, disabled: false,
      }).catch(emailTakenOr);
      return { id, ...user, roles: [...user.roles], disabled: false, credentialVersion: 0 } satisfies StoredUser;
    });
    if (created) return { user: created, created: true };
    const owner = await this.findByIdentity(linked.provider, linked.providerUserId);
    if (!owner) throw new Error('identity claimed by a transaction that did not commit; retry');
    return { user: owner, created: false };
  }

  async linkIdentity(userId: string, linked: NewUserIdentity): Promise<LinkIdentityResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.claim(this.identities.manager, userId, linked)) return { status: 'linked' };
      // Refused by one of the two keys: which one (a row released meanwhile is tried again).
      const owner = await this.identities.findOneBy({ provider: linked.provider, providerUserId: linked.providerUserId });
      if (owner) return owner.userId === userId ? { status: 'already-linked' } : { status: 'identity-taken', ownerId: owner.userId };
      if (await this.identities.existsBy({ userId, provider: linked.provider })) return { status: 'provider-taken' };
    }
    throw new Error('linkIdentity: the identity kept changing hands; retry');
  }

  async listIdentities(userId: string): Promise<UserIdentity[]> {
    if (!UUID.test(userId)) return [];
    const rows = await this.identities.find({ where: { userId }, order: { linkedAt: 'ASC' } });
    return rows.map(identity);
  }

  /** The user's row is locked (FOR UPDATE) while its password and identities are counted and one is removed. */
  async unlinkIdentity(userId: string, provider: string): Promise<UnlinkIdentityResult> {
    if (!UUID.test(userId)) return 'not-found';
    return this.identities.manager.transaction(async (manager) => {
      const user = await manager.createQueryBuilder(UserEntity, 'user').setLock('pessimistic_write').where('user.id = :userId', { userId }).getOne();
      if (!user) return 'not-found';
      const linked = await manager.findBy(UserIdentityEntity, { userId });
      if (!linked.some((row) => row.provider === provider)) return 'not-found';
      if (!user.passwordHash && linked.length <= 1) return 'last-sign-in-method';
      await manager.delete(UserIdentityEntity, { userId, provider });
      return 'unlinked';
    });
  }

  async unlinkAllIdentities(userId: string): Promise<number> {
    if (!UUID.test(userId)) return 0;
    return (await this.identities.delete({ userId })).affected ?? 0;
  }

  /** INSERT ... ON CONFLICT DO NOTHING: whether the row was inserted (false: the identity or the provider is taken). */
  private async claim(manager: EntityManager, userId: string, linked: NewUserIdentity): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO user_identities (provider, provider_user_id, user_id, email, email_verified)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING user_id`,
      [linked.provider, linked.providerUserId, userId, linked.email, linked.emailVerified],
    );
    return rows.length === 1;
  }
}
