-- nestjs-authkit: passkey credentials (apps with the `passkeys` option and
-- `stores: { credentials: new DrizzlePasskeyStore(db) }`).
-- Apply once, after 0000: psql "$DATABASE_URL" -f migrations/0003_authkit_passkeys.sql
-- Only the credentials: the challenges stay in Redis (they live minutes and are taken once).
-- user_id is text without a foreign key: any user id works, and the library removes a deleted account's passkeys.

CREATE TABLE passkey_credentials (
  -- The credential id (base64url): unique across all users.
  id text PRIMARY KEY,
  user_id text NOT NULL,
  -- The COSE public key, base64url (a public value).
  public_key text NOT NULL,
  -- The signature counter last seen; 0 for authenticators without one (synced passkeys).
  counter bigint NOT NULL,
  transports text[] NOT NULL,
  aaguid text NOT NULL,
  backup_eligible boolean NOT NULL,
  backed_up boolean NOT NULL,
  name text NOT NULL,
  -- Epoch milliseconds.
  created_at bigint NOT NULL,
  last_used_at bigint,
  -- Insertion order, for listings.
  seq bigserial NOT NULL
);
CREATE INDEX passkey_credentials_user ON passkey_credentials (user_id);
