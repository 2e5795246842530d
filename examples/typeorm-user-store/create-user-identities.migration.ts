import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `user_identities` table of `UserIdentityEntity` (OAuth only): one row per linked provider account, at most
 * one per provider per user, removed with its user. The foreign key is checked at COMMIT (`INITIALLY DEFERRED`):
 * `createWithIdentity` claims the identity before it inserts the user, so concurrent first sign-ins of one
 * identity are decided by the identity's primary key.
 */
export class CreateUserIdentities1764547200001 implements MigrationInterface {
  name = 'CreateUserIdentities1764547200001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE user_identities (
        provider text NOT NULL,
        provider_user_id text NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        email text,
        email_verified boolean NOT NULL DEFAULT false,
        linked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, provider_user_id),
        CONSTRAINT user_identities_one_per_provider UNIQUE (user_id, provider)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE user_identities');
  }
}
