import { bigint, bigserial, boolean, index, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * The passkeys feature's credentials (`passkeys.stores.credentials: new DrizzlePasskeyStore(db)`;
 * `migrations/0003_authkit_passkeys.sql` creates the table). One row per registered passkey; the credential id is the
 * primary key (unique across all users). Nothing here is a secret: the public key and the counter are public values.
 * Times: epoch milliseconds. `user_id` is text without a foreign key (any user id works; the library removes a deleted
 * account's passkeys). The challenges are not here: they stay in Redis (see the README).
 */
export const passkeyCredentials = pgTable('passkey_credentials', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  publicKey: text('public_key').notNull(),
  counter: bigint('counter', { mode: 'number' }).notNull(),
  transports: text('transports').array().notNull(),
  aaguid: text('aaguid').notNull(),
  backupEligible: boolean('backup_eligible').notNull(),
  backedUp: boolean('backed_up').notNull(),
  name: text('name').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  lastUsedAt: bigint('last_used_at', { mode: 'number' }),
  /** Insertion order, to list passkeys registered in one millisecond stably. */
  seq: bigserial('seq', { mode: 'number' }).notNull(),
}, (table) => [index('passkey_credentials_user').on(table.userId)]);
