import { bigint, bigserial, boolean, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** The organizations feature's tables (`migrations/0002_authkit_organizations.sql` creates them). Times: epoch ms. */
export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  requireMfa: boolean('require_mfa').notNull().default(false),
});

export const organizationMembers = pgTable('organization_members', {
  orgId: text('org_id').notNull(),
  userId: text('user_id').notNull(),
  roles: text('roles').array().notNull(),
  seq: bigserial('seq', { mode: 'number' }).notNull(),
}, (table) => [primaryKey({ columns: [table.orgId, table.userId] })]);

export const organizationInvitations = pgTable('organization_invitations', {
  orgId: text('org_id').notNull(),
  hash: text('hash').notNull(),
  email: text('email').notNull(),
  roles: text('roles').array().notNull(),
  invitedBy: text('invited_by').notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
}, (table) => [primaryKey({ columns: [table.orgId, table.hash] })]);

export const organizationSessions = pgTable('organization_sessions', {
  userId: text('user_id').notNull(),
  sessionId: text('session_id').notNull(),
  orgId: text('org_id').notNull(),
  expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
}, (table) => [primaryKey({ columns: [table.userId, table.sessionId] })]);
