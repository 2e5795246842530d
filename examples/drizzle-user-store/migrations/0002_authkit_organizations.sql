-- nestjs-authkit: the tables of the organizations feature (apps with the `organizations` option).
-- Apply once, after 0000: psql "$DATABASE_URL" -f migrations/0002_authkit_organizations.sql
-- User ids are text so that any users table fits; add `REFERENCES users (id) ON DELETE CASCADE` (with uuid columns)
-- if your users live in the same database.

CREATE TABLE organizations (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at bigint NOT NULL,
  require_mfa boolean NOT NULL DEFAULT false
);

CREATE TABLE organization_members (
  org_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  roles text[] NOT NULL,
  -- Joining order, for listings.
  seq bigserial NOT NULL,
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX organization_members_user ON organization_members (user_id);

-- Only the hash of an invitation's token is stored.
CREATE TABLE organization_invitations (
  org_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  hash text NOT NULL,
  email text NOT NULL,
  roles text[] NOT NULL,
  invited_by text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (org_id, hash)
);

-- The active organization of each session (rows outlive their session until expires_at; delete old ones at will).
CREATE TABLE organization_sessions (
  user_id text NOT NULL,
  session_id text NOT NULL,
  org_id text NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (user_id, session_id)
);
