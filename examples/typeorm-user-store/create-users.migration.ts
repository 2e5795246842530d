import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The `users` table of `UserEntity`, with the case-insensitive unique index on emails. */
export class CreateUsers1764547200000 implements MigrationInterface {
  name = 'CreateUsers1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text,
        password_hash text,
        roles text[] NOT NULL DEFAULT '{}',
        email_verified boolean NOT NULL DEFAULT false,
        disabled boolean NOT NULL DEFAULT false,
        credential_version integer NOT NULL DEFAULT 0
      )`);
    await queryRunner.query('CREATE UNIQUE INDEX users_email_lower ON users (lower(email))');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE users');
  }
}
