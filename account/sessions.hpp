// End-user web sign-in sessions (SPEC.md "Sessions", API.md "Self-service"). A session is
// made after a correct password and carries the sign-in's stage: `mfa` (the second step is
// pending), `register` (the user must add a method first), `done`. The cookie's token has
// 256 random bits and is stored only as SHA-256 hex; every sign-in makes a new one. The CSRF
// token is derived from the session token (HMAC-SHA256), so it is per session, needs no
// storage and dies with the session. Idle and absolute limits are enforced here, on every
// lookup, with the injected clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "account/env.hpp"
#include "account/users.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// A session ends after this long without a request (SPEC.md: at most 1 h).
inline constexpr std::chrono::minutes kSessionIdleTimeout{30};
/// A session ends this long after sign-in, whatever its activity (SPEC.md: at most 12 h).
inline constexpr std::chrono::hours kSessionAbsoluteTimeout{12};
/// A sign-in waiting for its second step ends after this long.
inline constexpr std::chrono::minutes kSecondStepTimeout{15};
/// last_seen_at is written at most this often, so a busy page does not write per request.
inline constexpr std::chrono::seconds kSessionTouchInterval{60};

enum class SessionStage { kMfa, kRegister, kDone };
/// "mfa" | "register" | "done".
std::string_view to_string(SessionStage stage);

/// A live session with the parts of its user that authorisation needs.
struct Session {
  std::string id;  // "ses_…"
  std::string user_id;
  std::string username;
  Role role = Role::kUser;
  SessionStage stage = SessionStage::kMfa;
  core::TimePoint stage_since;
  core::TimePoint created_at;
  core::TimePoint last_seen_at;
  core::TimePoint expires_at;  // absolute end
};

/// A new session and its token, in clear (for the cookie; never stored or logged).
struct NewSession {
  Session session;
  std::string token;
};

/// Starts a session for the user id at `stage`. Also deletes the user's sessions that have
/// ended. Audits "session.created" with the stage.
NewSession create_session(store::Tx& tx, const Env& env, const store::AuditContext& who,
                          std::string_view user_id, SessionStage stage);

/// The live session of `token`: known, not idle longer than kSessionIdleTimeout, not past
/// its absolute end (nor past kSecondStepTimeout while at stage mfa), and its user active.
/// Read-only; nullopt otherwise.
std::optional<Session> find_session(store::Tx& tx, const core::Clock& clock,
                                    std::string_view token);

/// find_session in a read transaction, then records the activity (at most once per
/// kSessionTouchInterval) in a short write transaction. 401 "unauthenticated" when there is
/// no live session for the token.
core::Result<Session> authenticate_session(store::Store& store, const core::Clock& clock,
                                           std::string_view token);

/// The live session with this id (for handlers that must see its current stage). 401
/// "unauthenticated" when it has ended.
core::Result<Session> get_session(store::Tx& tx, const core::Clock& clock,
                                  std::string_view session_id);

/// Moves the session from `from` to `to` (a conditional update, so two racing requests
/// cannot both move it). 409 "invalid_stage" when it is not at `from` (or has ended).
/// Audits "session.stage" with both stages and `method` (how the step was passed).
core::Result<void> advance_session(store::Tx& tx, const core::Clock& clock,
                                   const store::AuditContext& who, std::string_view session_id,
                                   SessionStage from, SessionStage to, std::string_view method);

/// Ends the session (sign-out); false when it did not exist. Audits "session.ended".
bool end_session(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                 std::string_view session_id);

/// Ends every session of the user id; returns how many (no audit row: the caller's change,
/// e.g. a password change or a block, is the event).
std::int64_t end_user_sessions(store::Tx& tx, std::string_view user_id);

/// The CSRF token of the session whose cookie token is `session_token`: 256 bits of
/// HMAC-SHA256 under the token, base64url.
std::string csrf_token_for(std::string_view session_token);
/// Constant-time check of a presented X-CSRF-Token.
bool csrf_token_matches(std::string_view session_token, std::string_view presented);

}  // namespace twostep::account
