import { sql } from 'drizzle-orm';
import { bigint, boolean, integer, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The users table as the library needs it (`migrations/0000_authkit_users.sql` creates it). */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email'),
  passwordHash: text('password_hash'),
  roles: text('roles').array().notNull().default(sql`'{}'`),
  emailVerified: boolean('email_verified').notNull().default(false),
  disabled: boolean('disabled').notNull().default(false),
  /** Incremented with every change of the password hash or of `disabled` (sessions older than it end). */
  credentialVersion: integer('credential_version').notNull().default(0),
}, (table) => [uniqueIndex('users_email_lower').on(sql`lower(${table.email})`)]);

/**
 * Provider accounts linked to users: only OAuth needs this table. The foreign key is checked at COMMIT
 * (`DEFERRABLE INITIALLY DEFERRED`, in the SQL migration): `createWithIdentity` claims the identity before it
 * inserts the user.
 */
export const userIdentities = pgTable('user_identities', {
  provider: text('provider').notNull(),
  providerUserId: text('provider_user_id').notNull(),
  userId: uuid('user_id').notNull(),
  email: text('email'),
  emailVerified: boolean('email_verified').notNull().default(false),
  linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
}, (table) => [primaryKey({ columns: [table.provider, table.providerUserId] }), unique('user_identities_one_per_provider').on(table.userId, table.provider)]);

/**
 * Second factors (the `mfa` option with `factorStore: new DrizzleMfaFactorStore(db)`; `migrations/0001_authkit_mfa.sql`
 * creates them): one row per user who set up TOTP. The secret is the library's AES-256-GCM ciphertext, never the
 * secret; `last_step` only moves forward (a code is never accepted twice) and stays when the factors are removed.
 * `user_id` is text without a foreign key (any user id works; the library removes a deleted account's factors).
 */
export const mfaFactors = pgTable('mfa_factors', {
  userId: text('user_id').primaryKey(),
  totpSecret: text('totp_secret'),
  pendingTotpSecret: text('pending_totp_secret'),
  /** Epoch milliseconds. */
  pendingExpiresAt: bigint('pending_expires_at', { mode: 'number' }),
  lastStep: bigint('last_step', { mode: 'number' }).notNull().default(-1),
});

/** Unused recovery codes, as the SHA-256 the library gives (never a code). */
export const mfaRecoveryCodes = pgTable('mfa_recovery_codes', {
  userId: text('user_id').notNull(),
  codeHash: text('code_hash').notNull(),
}, (table) => [primaryKey({ columns: [table.userId, table.codeHash] })]);

export const schema = { users, userIdentities, mfaFactors, mfaRecoveryCodes };
