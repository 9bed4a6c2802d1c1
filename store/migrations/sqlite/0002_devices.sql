-- Authenticator devices, their activation sessions, and TOTP credentials (a device's own
-- secret or a third-party OATH app's). Times are INTEGER Unix seconds (UTC).

-- A device registration lives until it is deactivated explicitly; rows are never deleted
-- (every authenticator ever bound stays on record, NIST SP 800-63B-4 4.1).
CREATE TABLE devices (
  id                 TEXT PRIMARY KEY,
  user_id            TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  display_name       TEXT NOT NULL,
  platform           TEXT NOT NULL,
  app_version        TEXT NOT NULL,
  public_key         BLOB NOT NULL,   -- DER SubjectPublicKeyInfo of a P-256 key
  status             TEXT NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'deactivated')),
  created_at         INTEGER NOT NULL,
  last_seen_at       INTEGER NOT NULL,
  deactivated_at     INTEGER,
  deactivated_reason TEXT            -- user_removed | admin_removed | replaced | stale |
                                     -- device_removed | disowned | admin_reregistration
);
CREATE INDEX devices_user ON devices (user_id, status);
CREATE INDEX devices_status_seen ON devices (status, last_seen_at);

-- An activation session: the code is stored as SHA-256 hex for lookup, and sealed (AES-GCM
-- under the master key, aad "activation:ID") only so its owner can fetch the QR again
-- while it is pending; the sealed copy is dropped when the activation completes.
CREATE TABLE activations (
  id                TEXT PRIMARY KEY,
  user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash         TEXT NOT NULL UNIQUE,
  code_sealed       BLOB,
  replace_device_id TEXT REFERENCES devices(id) ON DELETE SET NULL,
  created_by        TEXT NOT NULL,   -- the audit actor, e.g. "user:alice", "admin:helpdesk"
  status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'completed')),
  device_id         TEXT REFERENCES devices(id) ON DELETE SET NULL,
  created_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  completed_at      INTEGER
);
CREATE INDEX activations_user ON activations (user_id, status);

-- TOTP credentials: kind 'device' belongs to an activated device, kind 'oath' is a
-- third-party authenticator app. The secret is sealed under aad "totp:ID" and set to NULL
-- when the credential is deleted. last_step is the last accepted time step (replay
-- protection): a code is accepted only for a later step.
CREATE TABLE totp_credentials (
  id            TEXT PRIMARY KEY,
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('device', 'oath')),
  device_id     TEXT REFERENCES devices(id) ON DELETE CASCADE,
  display_name  TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'active', 'deleted')),
  algorithm     TEXT NOT NULL,   -- SHA1 | SHA256 | SHA512
  digits        INTEGER NOT NULL,
  period        INTEGER NOT NULL,
  secret_sealed BLOB,
  last_step     INTEGER,
  created_at    INTEGER NOT NULL,
  activated_at  INTEGER,
  deleted_at    INTEGER
);
CREATE INDEX totp_credentials_user ON totp_credentials (user_id, status);
CREATE INDEX totp_credentials_device ON totp_credentials (device_id);
