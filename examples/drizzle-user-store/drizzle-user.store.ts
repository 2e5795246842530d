import { Inject, Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import {
  type CredentialStore, EmailTakenError, type NewUser, type SetPasswordHashOptions, type StoredUser, type UserStore,
} from 'nestjs-authkit';
import { type Database, DRIZZLE, isUniqueViolation, UUID } from './drizzle.provider';
import { users } from './schema';

type UserRow = typeof users.$inferSelect;

export function stored(row: UserRow | undefined): StoredUser | null {
  if (!row) return null;
  return {
    id: row.id, email: row.email, passwordHash: row.passwordHash, roles: [...row.roles], emailVerified: row.emailVerified,
    disabled: row.disabled, credentialVersion: row.credentialVersion,
  };
}

/**
 * nestjs-authkit's `UserStore` and `CredentialStore` with Drizzle on PostgreSQL: all an app with email/password
 * sign-in needs (with OAuth, add `identityStore: DrizzleIdentityStore`). Every update is one statement; the ones
 * that change credentials bump `credential_version` in the same UPDATE.
 *
 * ```ts
 * AuthModule.forRootAsync({ imports: [DatabaseModule], useFactory: () => ({ jwt, redis, userStore: DrizzleUserStore }) })
 * ```
 */
@Injectable()
export class DrizzleUserStore implements UserStore, CredentialStore {
  constructor(@Inject(DRIZZLE) private readonly db: Database) {}

  /** Ids are uuids: anything else is never sent to PostgreSQL (a uuid column would throw on it). */
  isValidUserId(id: string): boolean {
    return UUID.test(id);
  }

  async findById(id: string): Promise<StoredUser | null> {
    if (!this.isValidUserId(id)) return null;
    return stored((await this.db.select().from(users).where(eq(users.id, id)).limit(1))[0]);
  }

  /** Case-insensitive, so rows written before emails were normalised (`Bob@Example.com`) are found too. */
  async findByEmail(email: string): Promise<StoredUser | null> {
    return stored((await this.db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1))[0]);
  }

  /** One INSERT: the unique index on `lower(email)` decides races, and a duplicate is `EmailTakenError`. */
  async create(user: NewUser): Promise<StoredUser> {
    try {
      const [row] = await this.db.insert(users).values({
        email: user.email, passwordHash: user.passwordHash, roles: [...user.roles], emailVerified: user.emailVerified,
      }).returning();
      return stored(row)!;
    } catch (error) {
      if (isUniqueViolation(error)) throw new EmailTakenError();
      throw error;
    }
  }

  /** A new hash bumps the credential version in the same UPDATE; a rehash (`rehashOf`) replaces only that hash. */
  async setPasswordHash(id: string, passwordHash: string | null, options: SetPasswordHashOptions = {}): Promise<boolean> {
    if (!this.isValidUserId(id)) return false;
    const query = options.rehashOf === undefined
      ? this.db.update(users).set({
        passwordHash,
        credentialVersion: sql`${users.credentialVersion} + CASE WHEN ${users.passwordHash} IS NOT DISTINCT FROM ${passwordHash}::text THEN 0 ELSE 1 END`,
      }).where(eq(users.id, id))
      : this.db.update(users).set({ passwordHash }).where(and(eq(users.id, id), eq(users.passwordHash, options.rehashOf)));
    return (await query.returning({ id: users.id })).length > 0;
  }

  setRoles(id: string, roles: string[]): Promise<boolean> {
    return this.update(id, { roles: [...roles] });
  }

  /** A change of `disabled` bumps the credential version in the same UPDATE. */
  setDisabled(id: string, disabled: boolean): Promise<boolean> {
    return this.update(id, {
      disabled, credentialVersion: sql`${users.credentialVersion} + CASE WHEN ${users.disabled} = ${disabled}::boolean THEN 0 ELSE 1 END`,
    });
  }

  markEmailVerified(id: string): Promise<boolean> {
    return this.update(id, { emailVerified: true });
  }

  /** One UPDATE of an existing row (an unknown id creates nothing); whether a row was updated. */
  private async update(id: string, changes: PgUpdateSetSource<typeof users>): Promise<boolean> {
    if (!this.isValidUserId(id)) return false;
    return (await this.db.update(users).set(changes).where(eq(users.id, id)).returning({ id: users.id })).length > 0;
  }
}
