-- Users, admin tokens, applications, organisation settings and the audit log.
-- Times are INTEGER Unix seconds (UTC) in every table.
CREATE TABLE users (
  id                      TEXT PRIMARY KEY,
  username                TEXT NOT NULL,
  username_key            TEXT NOT NULL UNIQUE,   -- lower-cased username for lookups
  display_name            TEXT NOT NULL,
  status                  TEXT NOT NULL DEFAULT 'active',  -- active | disabled | blocked
  role                    TEXT NOT NULL DEFAULT 'user',    -- user | admin
  password_hash           TEXT,                   -- Argon2id encoded; NULL until registered
  registration_token_hash TEXT UNIQUE,            -- SHA-256 hex of the link's token
  registration_expires_at INTEGER,
  preferred_method        TEXT,
  failed_attempts         INTEGER NOT NULL DEFAULT 0,
  locked_until            INTEGER,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL
);

CREATE TABLE admin_tokens (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,   -- SHA-256 hex; the token itself is shown once
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
);

CREATE TABLE applications (
  id           TEXT PRIMARY KEY,
  name         TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,   -- SHA-256 hex; the key itself is shown once
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL                  -- JSON scalar
);

CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  time           INTEGER NOT NULL,
  type           TEXT NOT NULL,
  user_id        TEXT,
  device_id      TEXT,
  actor          TEXT NOT NULL,
  ip             TEXT,
  result         TEXT NOT NULL,
  correlation_id TEXT,
  detail         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_user ON audit_log (user_id, id);
CREATE INDEX audit_log_type ON audit_log (type, id);
CREATE INDEX audit_log_time ON audit_log (time);
