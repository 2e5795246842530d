import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables of the organizations feature (apps with the `organizations` option), used by
 * `typeorm-organization.stores.ts`. Times are epoch ms; user ids are text so that any users table fits (add a
 * foreign key to `users (id)`, with uuid columns, if your users live in the same database).
 */
export class CreateOrganizations1764547200003 implements MigrationInterface {
  name = 'CreateOrganizations1764547200003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE organizations (id text PRIMARY KEY, name text NOT NULL, created_at bigint NOT NULL, require_mfa boolean NOT NULL DEFAULT false)');
    await queryRunner.query(`
      CREATE TABLE organization_members (
        org_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        user_id text NOT NULL,
        roles text[] NOT NULL,
        seq bigserial NOT NULL,
        PRIMARY KEY (org_id, user_id)
      )`);
    await queryRunner.query('CREATE INDEX organization_members_user ON organization_members (user_id)');
    await queryRunner.query(`
      CREATE TABLE organization_invitations (
        org_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        hash text NOT NULL,
        email text NOT NULL,
        roles text[] NOT NULL,
        invited_by text NOT NULL,
        expires_at bigint NOT NULL,
        PRIMARY KEY (org_id, hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE organization_sessions (
        user_id text NOT NULL,
        session_id text NOT NULL,
        org_id text NOT NULL,
        expires_at bigint NOT NULL,
        PRIMARY KEY (user_id, session_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE organization_sessions, organization_invitations, organization_members, organizations');
  }
}
