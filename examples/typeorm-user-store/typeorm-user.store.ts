import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type CredentialStore, EmailTakenError, type NewUser, type SetPasswordHashOptions, type StoredUser, type UserStore,
} from 'nestjs-authkit';
import { QueryFailedError, type Repository } from 'typeorm';
import { UserEntity } from './user.entity';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** PostgreSQL's `unique_violation`. */
const UNIQUE_VIOLATION = '23505';

/** A duplicate email (the unique index on `lower(email)`) is the library's `EmailTakenError`; anything else is rethrown. */
export function emailTakenOr(error: unknown): never {
  if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) throw new EmailTakenError();
  throw error;
}

export function stored(row: UserEntity | null): StoredUser | null {
  if (!row) return null;
  return {
    id: row.id, email: row.email, passwordHash: row.passwordHash, roles: [...row.roles], emailVerified: row.emailVerified,
    disabled: row.disabled, credentialVersion: row.credentialVersion,
  };
}

/**
 * nestjs-authkit's `UserStore` and `CredentialStore` on a TypeORM repository (PostgreSQL): all an app with
 * email/password sign-in needs. Register it as a class, with the module that exports the repository in
 * `forRootAsync({ imports })` (with OAuth, add `identityStore: TypeOrmIdentityStore`):
 *
 * ```ts
 * AuthModule.forRootAsync({
 *   imports: [UsersModule],
 *   useFactory: () => ({ jwt: { secret }, redis: { url }, userStore: TypeOrmUserStore }),
 * })
 * ```
 */
@Injectable()
export class TypeOrmUserStore implements UserStore, CredentialStore {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** Ids are uuids: anything else is never sent to PostgreSQL (a uuid column would throw on it). */
  isValidUserId(id: string): boolean {
    return UUID.test(id);
  }

  async findById(id: string): Promise<StoredUser | null> {
    return this.isValidUserId(id) ? stored(await this.users.findOneBy({ id })) : null;
  }

  /** Case-insensitive, so rows written before emails were normalised (`Bob@Example.com`) are found too. */
  async findByEmail(email: string): Promise<StoredUser | null> {
    return stored(await this.users.createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email }).getOne());
  }

  /** One INSERT: the unique index on `lower(email)` decides races, and a duplicate is `EmailTakenError`. */
  async create(user: NewUser): Promise<StoredUser> {
    try {
      const result = await this.users.insert({
        email: user.email, passwordHash: user.passwordHash, roles: [...user.roles], emailVerified: user.emailVerified, disabled: false,
      });
      const id = (result.identifiers[0] as { id: string }).id;
      return { id, ...user, roles: [...user.roles], disabled: false, credentialVersion: 0 };
    } catch (error) {
      emailTakenOr(error);
    }
  }

  /**
   * One UPDATE: a new hash bumps the credential version in the same statement (a rehash, `rehashOf`, replaces
   * only that exact hash and keeps the version: the password did not change).
   */
  async setPasswordHash(id: string, passwordHash: string | null, options: SetPasswordHashOptions = {}): Promise<boolean> {
    if (!this.isValidUserId(id)) return false;
    const query = this.users.createQueryBuilder().update(UserEntity).where('id = :id', { id });
    if (options.rehashOf !== undefined) {
      query.set({ passwordHash }).andWhere('password_hash = :old', { old: options.rehashOf });
    } else {
      query.set({
        passwordHash,
        credentialVersion: () => 'credential_version + CASE WHEN password_hash IS NOT DISTINCT FROM :hash THEN 0 ELSE 1 END',
      }).setParameter('hash', passwordHash);
    }
    return ((await query.execute()).affected ?? 0) > 0;
  }

  setRoles(id: string, roles: string[]): Promise<boolean> {
    return this.update(id, { roles: [...roles] });
  }

  /** One UPDATE; a change of `disabled` bumps the credential version in the same statement. */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    if (!this.isValidUserId(id)) return false;
    const result = await this.users.createQueryBuilder().update(UserEntity)
      .set({ disabled, credentialVersion: () => 'credential_version + CASE WHEN disabled = :disabled THEN 0 ELSE 1 END' })
      .where('id = :id', { id }).setParameter('disabled', disabled)
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Records a verified email (OAuth providers that vouch for it; email verification). */
  markEmailVerified(id: string): Promise<boolean> {
    return this.update(id, { emailVerified: true });
  }

  /** One UPDATE of an existing row (an unknown id creates nothing); whether a row was updated. */
  private async update(id: string, changes: Partial<UserEntity>): Promise<boolean> {
    if (!this.isValidUserId(id)) return false;
    const result = await this.users.update({ id }, changes);
    return (result.affected ?? 0) > 0;
  }
}
