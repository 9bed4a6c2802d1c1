-- Push approval transactions and the security notices queued for a user's devices.
-- Times are BIGINT Unix seconds (UTC).

-- A push transaction: created pending by an application (or the web sign-in), decided once
-- by the first valid device answer (conditional UPDATE … WHERE status = 'pending'), or
-- expired. `number` is the two-digit number shown on the sign-in screen; it is never sent to
-- the devices and never logged.
CREATE TABLE push_transactions (
  id             TEXT PRIMARY KEY,                 -- the txid, "ptx_…"
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  application_id TEXT NOT NULL,   -- the requester: an application id, or "session:…" for
                                  -- the web sign-in; only it may read the transaction
  app_name       TEXT NOT NULL,   -- shown to the user as context.app
  context        TEXT NOT NULL DEFAULT '{}',       -- JSON {ip, location, browser}
  number         TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'denied', 'fraud', 'expired')),
  reason         TEXT,
  device_id      TEXT REFERENCES devices(id) ON DELETE SET NULL,  -- who answered
  remember       BIGINT NOT NULL DEFAULT 0,       -- a remember token was asked for
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  answered_at    BIGINT
);
-- Fatigue limits and pending-on-connect look at one user's recent and pending pushes.
CREATE INDEX push_transactions_user ON push_transactions (user_id, status, created_at);
-- The expiry sweep looks for pending pushes past their time.
CREATE INDEX push_transactions_expiry ON push_transactions (status, expires_at);

-- A security notice addressed to one device (one row per recipient, so "not me" names
-- exactly the notice that device received).
CREATE TABLE device_notices (
  event_id          TEXT PRIMARY KEY,              -- "evt_…"
  user_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_id         TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,  -- recipient
  event             TEXT NOT NULL CHECK (event IN ('device_added', 'device_removed',
                                                   'phone_changed', 'app_password_created')),
  detail            TEXT NOT NULL DEFAULT '{}',    -- JSON, never a secret
  subject_device_id TEXT REFERENCES devices(id) ON DELETE SET NULL,  -- the added/removed one
  created_at        BIGINT NOT NULL,
  delivered_at      BIGINT,                        -- handed to a connected channel
  handled_at        BIGINT                        -- a "not me" acted on it
);
CREATE INDEX device_notices_recipient ON device_notices (device_id, delivered_at, created_at);
