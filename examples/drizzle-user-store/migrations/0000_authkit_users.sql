-- nestjs-authkit: the users table (every app) and the user_identities table (apps with OAuth).
-- Apply once: psql "$DATABASE_URL" -f migrations/0000_authkit_users.sql (or copy it into your migration tool).

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text,
  password_hash text,
  roles text[] NOT NULL DEFAULT '{}',
  email_verified boolean NOT NULL DEFAULT false,
  disabled boolean NOT NULL DEFAULT false,
  credential_version integer NOT NULL DEFAULT 0
);

-- Emails are unique case-insensitively (rows written before emails were normalised are still found).
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

CREATE TABLE user_identities (
  provider text NOT NULL,
  provider_user_id text NOT NULL,
  -- Checked at COMMIT: a user and its first identity are created in one transaction, identity first.
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  email text,
  email_verified boolean NOT NULL DEFAULT false,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, provider_user_id),
  CONSTRAINT user_identities_one_per_provider UNIQUE (user_id, provider)
);
