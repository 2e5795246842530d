import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** PostgreSQL's bigint arrives as a string: epoch milliseconds and TOTP steps fit a JavaScript number. */
const bigintNumber: ValueTransformer = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/**
 * A user's second factors (the `mfa` option with `factorStore: new TypeOrmMfaFactorStore(dataSource)`): one row per
 * user who set up TOTP. The secrets are the library's AES-256-GCM ciphertext, never the secret; `lastStep` only
 * moves forward (a code is never accepted twice) and stays when the factors are removed. `userId` is text without a
 * foreign key (any user id works; the library removes a deleted account's factors).
 */
@Entity('mfa_factors')
export class MfaFactorEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ name: 'totp_secret', type: 'text', nullable: true })
  totpSecret!: string | null;

  @Column({ name: 'pending_totp_secret', type: 'text', nullable: true })
  pendingTotpSecret!: string | null;

  /** Epoch milliseconds. */
  @Column({ name: 'pending_expires_at', type: 'bigint', nullable: true, transformer: bigintNumber })
  pendingExpiresAt!: number | null;

  @Column({ name: 'last_step', type: 'bigint', default: -1, transformer: bigintNumber })
  lastStep!: number;
}

/** An unused recovery code, as the SHA-256 the library gives (never a code); a used one is deleted. */
@Entity('mfa_recovery_codes')
export class MfaRecoveryCodeEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @PrimaryColumn({ name: 'code_hash', type: 'text' })
  codeHash!: string;
}
