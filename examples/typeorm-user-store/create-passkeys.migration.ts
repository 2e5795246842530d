import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The table of `PasskeyCredentialEntity` (apps with the `passkeys` option and `TypeOrmPasskeyStore`). Only the
 * credentials: the challenges stay in Redis (they live minutes and are taken once).
 */
export class CreatePasskeys1764547200004 implements MigrationInterface {
  name = 'CreatePasskeys1764547200004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE passkey_credentials (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        public_key text NOT NULL,
        counter bigint NOT NULL,
        transports text[] NOT NULL,
        aaguid text NOT NULL,
        backup_eligible boolean NOT NULL,
        backed_up boolean NOT NULL,
        name text NOT NULL,
        created_at bigint NOT NULL,
        last_used_at bigint,
        seq bigserial NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX passkey_credentials_user ON passkey_credentials (user_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE passkey_credentials');
  }
}
