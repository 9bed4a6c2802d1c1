-- End-user web sign-in sessions and the help desk's temporary access codes.
-- Times are BIGINT Unix seconds (UTC). Tokens and codes are never stored: only SHA-256 hex.

-- One row per browser sign-in. The cookie carries the token; the CSRF token is derived from
-- it (account/sessions.hpp), so nothing else secret is kept. `stage` is where the sign-in
-- stands: mfa (password given, second step pending), register (a method must be added),
-- done. `stage_since` is when the stage was entered: completing registration needs a method
-- added after it. Idle and absolute limits are enforced by the server on every lookup.
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,               -- "ses_…"
  token_hash   TEXT NOT NULL UNIQUE,           -- SHA-256 hex of the cookie's token
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  stage        TEXT NOT NULL CHECK (stage IN ('mfa', 'register', 'done')),
  stage_since  BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL,               -- absolute end, whatever the activity
  ip           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- One-use codes that let a user who lost their phone sign in and register a new method.
CREATE TABLE temporary_access_codes (
  id         TEXT PRIMARY KEY,                 -- "tac_…"
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL UNIQUE,             -- SHA-256 hex of the code
  created_by TEXT NOT NULL,                    -- audit actor, e.g. "admin:helpdesk"
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT
);
CREATE INDEX temporary_access_codes_user ON temporary_access_codes (user_id, used_at);
