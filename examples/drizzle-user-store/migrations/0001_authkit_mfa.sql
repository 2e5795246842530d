-- nestjs-authkit: second factors (apps with the `mfa` option and `factorStore: new DrizzleMfaFactorStore(db)`).
-- Apply once after 0000: psql "$DATABASE_URL" -f migrations/0001_authkit_mfa.sql (or copy it into your migration tool).

-- One row per user who set up TOTP. totp_secret / pending_totp_secret: the library's AES-256-GCM ciphertext (never the
-- secret). last_step only moves forward (a code is never accepted twice) and stays when the factors are removed.
-- user_id is text without a foreign key: any user id works, and the library removes a deleted account's factors.
CREATE TABLE mfa_factors (
  user_id text PRIMARY KEY,
  totp_secret text,
  pending_totp_secret text,
  pending_expires_at bigint,
  last_step bigint NOT NULL DEFAULT -1
);

-- Unused recovery codes, as SHA-256 hex (never a code); a used one is deleted.
CREATE TABLE mfa_recovery_codes (
  user_id text NOT NULL,
  code_hash text NOT NULL,
  PRIMARY KEY (user_id, code_hash)
);
