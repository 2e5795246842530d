import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables of `MfaFactorEntity` and `MfaRecoveryCodeEntity` (apps with the `mfa` option and `TypeOrmMfaFactorStore`). */
export class CreateMfaFactors1764547200002 implements MigrationInterface {
  name = 'CreateMfaFactors1764547200002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mfa_factors (
        user_id text PRIMARY KEY,
        totp_secret text,
        pending_totp_secret text,
        pending_expires_at bigint,
        last_step bigint NOT NULL DEFAULT -1
      )`);
    await queryRunner.query(`
      CREATE TABLE mfa_recovery_codes (
        user_id text NOT NULL,
        code_hash text NOT NULL,
        PRIMARY KEY (user_id, code_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE mfa_recovery_codes');
    await queryRunner.query('DROP TABLE mfa_factors');
  }
}
