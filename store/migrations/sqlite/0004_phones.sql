-- Phone methods: each user's phone numbers, the verification of a changed number, sign-in
-- codes sent by text message or call, and the log of code sends that rate limits count.
-- Times are INTEGER Unix seconds (UTC). Codes are never stored: only HMAC-SHA256 under a key
-- derived from the master key, bound to the row's id (phone/codes.hpp).

-- One number per slot and user. verified_at is set when a code sent to the number came
-- back (a change confirmed with a code, or a sign-in code approved) and cleared when the
-- number changes without one.
CREATE TABLE phones (
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type        TEXT NOT NULL CHECK (type IN ('mobile', 'alternate_mobile', 'office')),
  e164        TEXT NOT NULL,                 -- "+31612345678"
  extension   TEXT NOT NULL DEFAULT '',      -- office phones only
  verified_at INTEGER,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, type)
);

-- A number waiting to be saved until the code sent to it is entered (PUT
-- /v1/me/phones/{type} answered 202). A newer verification of the same slot cancels the
-- older one; too many wrong codes cancel it too.
CREATE TABLE phone_verifications (
  id           TEXT PRIMARY KEY,            -- the verification_id, "pvf_…"
  user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  type         TEXT NOT NULL CHECK (type IN ('mobile', 'alternate_mobile', 'office')),
  e164         TEXT NOT NULL,
  extension    TEXT NOT NULL DEFAULT '',
  channel      TEXT NOT NULL CHECK (channel IN ('sms', 'voice')),
  code_hash    TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'confirmed', 'cancelled', 'expired')),
  reason       TEXT,                        -- why cancelled: superseded | too_many_attempts |
                                            -- delivery_failed
  attempts     INTEGER NOT NULL DEFAULT 0,  -- wrong codes entered
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  confirmed_at INTEGER
);
CREATE INDEX phone_verifications_user ON phone_verifications (user_id, type, status);

-- A sign-in code sent to one of the user's phones; decided once (conditional UPDATE …
-- WHERE status = 'pending'), or expired.
CREATE TABLE phone_transactions (
  id          TEXT PRIMARY KEY,             -- the txid, "stx_…"
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  phone_type  TEXT NOT NULL CHECK (phone_type IN ('mobile', 'alternate_mobile', 'office')),
  e164        TEXT NOT NULL,                -- where the code went
  channel     TEXT NOT NULL CHECK (channel IN ('sms', 'voice')),
  code_hash   TEXT NOT NULL,
  status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
  reason      TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0,   -- wrong codes entered
  requester   TEXT NOT NULL,   -- an application id, or "session:…" for the web sign-in;
                               -- only it may read or answer the transaction
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  answered_at INTEGER
);
CREATE INDEX phone_transactions_user ON phone_transactions (user_id, status);
CREATE INDEX phone_transactions_requester ON phone_transactions (requester, status, created_at);

-- Every code sent, for the per-user and per-number rate limits (kept here so that they hold
-- across nodes). Rows older than a day are pruned as new ones arrive. No foreign key: a
-- number's count must survive its user being deleted and created again.
CREATE TABLE phone_code_sends (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    TEXT NOT NULL,
  e164       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX phone_code_sends_user ON phone_code_sends (user_id, created_at);
CREATE INDEX phone_code_sends_number ON phone_code_sends (e164, created_at);
CREATE INDEX phone_code_sends_time ON phone_code_sends (created_at);
