import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** PostgreSQL's bigint arrives as a string: epoch milliseconds and signature counters fit a JavaScript number. */
const bigintNumber: ValueTransformer = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/**
 * A registered passkey (the `passkeys` option with `stores: { credentials: new TypeOrmPasskeyStore(dataSource) }`;
 * `create-passkeys.migration.ts` creates the table). The credential id is the primary key (unique across all users).
 * Nothing here is a secret: the public key and the counter are public values. `userId` is text without a foreign key
 * (any user id works; the library removes a deleted account's passkeys). The challenges stay in Redis (see the README).
 */
@Entity('passkey_credentials')
@Index('passkey_credentials_user', ['userId'])
export class PasskeyCredentialEntity {
  /** The credential id, base64url. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  /** The COSE public key, base64url. */
  @Column({ name: 'public_key', type: 'text' })
  publicKey!: string;

  /** The signature counter last seen; 0 for authenticators without one (synced passkeys). */
  @Column({ type: 'bigint', transformer: bigintNumber })
  counter!: number;

  @Column({ type: 'text', array: true })
  transports!: string[];

  @Column({ type: 'text' })
  aaguid!: string;

  @Column({ name: 'backup_eligible', type: 'boolean' })
  backupEligible!: boolean;

  @Column({ name: 'backed_up', type: 'boolean' })
  backedUp!: boolean;

  @Column({ type: 'text' })
  name!: string;

  /** Epoch milliseconds. */
  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt!: number;

  @Column({ name: 'last_used_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  lastUsedAt!: number | null;

  /** Insertion order, to list passkeys registered in one millisecond stably. */
  @Column({ type: 'bigint', generated: 'increment', select: false, insert: false, transformer: bigintNumber })
  seq!: number;
}
