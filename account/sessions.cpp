#include "account/sessions.hpp"

#include <array>

#include "core/crypto.hpp"
#include "core/ids.hpp"

namespace twostep::account {
namespace {

constexpr std::array<std::string_view, 3> kStageNames{"mfa", "register", "done"};
constexpr std::size_t kTokenBytes = 32;

std::optional<SessionStage> parse_stage(std::string_view text) {
  for (std::size_t i = 0; i < kStageNames.size(); ++i) {
    if (kStageNames[i] == text) return static_cast<SessionStage>(i);
  }
  return std::nullopt;
}

std::int64_t seconds_of(std::chrono::seconds d) { return d.count(); }

// The columns session_from_row maps; `s` is sessions, `u` users.
constexpr std::string_view kSelectSession =
    "SELECT s.id, s.user_id, u.username, u.role, s.stage, s.stage_since, s.created_at, "
    "s.last_seen_at, s.expires_at, s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id "
    "WHERE u.status = 'active' AND ";

Session session_from_row(const store::Row& row) {
  Session s;
  s.id = row.text(0);
  s.user_id = row.text(1);
  s.username = row.text(2);
  s.role = parse_role(row.text(3)).value_or(Role::kUser);
  s.stage = parse_stage(row.text(4)).value_or(SessionStage::kMfa);
  s.stage_since = core::from_unix_seconds(row.integer(5));
  s.created_at = core::from_unix_seconds(row.integer(6));
  s.last_seen_at = core::from_unix_seconds(row.integer(7));
  s.expires_at = core::from_unix_seconds(row.integer(8));
  return s;
}

// The server-side limits: absolute end, idle time, and the short life of a sign-in that is
// still waiting for its second step.
bool is_live(const Session& s, core::TimePoint now) {
  if (now >= s.expires_at) return false;
  if (now - s.last_seen_at > kSessionIdleTimeout) return false;
  if (s.stage == SessionStage::kMfa && now - s.created_at > kSecondStepTimeout) return false;
  return true;
}

// The live session whose `column` equals `key`. A lookup by token hash is confirmed with a
// constant-time comparison after the index found the row.
std::optional<Session> live_session(store::Tx& tx, const core::Clock& clock,
                                    std::string_view column, const std::string& key) {
  auto row = tx.query_one(std::string(kSelectSession) + std::string(column) + " = ?", {key});
  if (!row) return std::nullopt;
  if (column == "s.token_hash" && !core::constant_time_equal(row->text(9), key)) {
    return std::nullopt;
  }
  Session s = session_from_row(*row);
  if (!is_live(s, clock.now())) return std::nullopt;
  return s;
}

std::unexpected<core::Error> no_session() {
  return core::fail(core::ErrorKind::kUnauthenticated, "unauthenticated",
                    "sign-in is required (the session has ended or is unknown)");
}

}  // namespace

std::string_view to_string(SessionStage stage) { return kStageNames[static_cast<int>(stage)]; }

NewSession create_session(store::Tx& tx, const Env& env, const store::AuditContext& who,
                          std::string_view user_id, SessionStage stage) {
  const core::TimePoint now = env.clock.now();
  const std::int64_t t = core::unix_seconds(now);
  // Ended sessions of this user are cleared here rather than by a sweeper: a user's rows
  // stay few, and nothing reads an ended session.
  tx.exec(
      "DELETE FROM sessions WHERE user_id = ? AND (expires_at <= ? OR last_seen_at < ? OR "
      "(stage = 'mfa' AND created_at < ?))",
      {std::string(user_id), t, t - seconds_of(kSessionIdleTimeout),
       t - seconds_of(kSecondStepTimeout)});
  NewSession out;
  out.token = env.random.token(kTokenBytes);
  Session& s = out.session;
  s.id = core::new_id("ses", env.random);
  s.user_id = std::string(user_id);
  s.stage = stage;
  s.stage_since = s.created_at = s.last_seen_at = core::from_unix_seconds(t);
  s.expires_at = s.created_at + kSessionAbsoluteTimeout;
  tx.exec(
      "INSERT INTO sessions (id, token_hash, user_id, stage, stage_since, created_at, "
      "last_seen_at, expires_at, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {s.id, core::sha256_hex(out.token), s.user_id, std::string(to_string(stage)), t, t, t,
       core::unix_seconds(s.expires_at), who.ip});
  if (auto user = find_user(tx, user_id)) {
    s.username = user->username;
    s.role = user->role;
  }
  store::append_audit(tx, env.clock, who,
                      {"session.created",
                       s.user_id,
                       "",
                       "success",
                       {{"session_id", s.id}, {"stage", to_string(stage)}}});
  return out;
}

std::optional<Session> find_session(store::Tx& tx, const core::Clock& clock,
                                    std::string_view token) {
  if (token.empty()) return std::nullopt;
  return live_session(tx, clock, "s.token_hash", core::sha256_hex(token));
}

core::Result<Session> authenticate_session(store::Store& store, const core::Clock& clock,
                                           std::string_view token) {
  auto session = store.read([&](store::Tx& tx) { return find_session(tx, clock, token); });
  if (!session) return no_session();
  const std::int64_t now = core::unix_seconds(clock.now());
  if (now - core::unix_seconds(session->last_seen_at) >= seconds_of(kSessionTouchInterval)) {
    store.run(store::TxMode::kWrite, [&](store::Tx& tx) {
      tx.exec("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
              {now, session->id, now});
      return true;
    });
    session->last_seen_at = core::from_unix_seconds(now);
  }
  return *session;
}

core::Result<Session> get_session(store::Tx& tx, const core::Clock& clock,
                                  std::string_view session_id) {
  if (auto s = live_session(tx, clock, "s.id", std::string(session_id))) return *s;
  return no_session();
}

core::Result<void> advance_session(store::Tx& tx, const core::Clock& clock,
                                   const store::AuditContext& who, std::string_view session_id,
                                   SessionStage from, SessionStage to, std::string_view method) {
  auto session = get_session(tx, clock, session_id);
  if (!session) return std::unexpected(session.error());
  const std::int64_t now = core::unix_seconds(clock.now());
  const std::int64_t changed = tx.exec(
      "UPDATE sessions SET stage = ?, stage_since = ? WHERE id = ? AND stage = ?",
      {std::string(to_string(to)), now, std::string(session_id), std::string(to_string(from))});
  if (changed != 1) {
    return core::fail(core::ErrorKind::kConflict, "invalid_stage",
                      "the sign-in is not at the " + std::string(to_string(from)) + " stage");
  }
  store::append_audit(tx, clock, who,
                      {"session.stage",
                       session->user_id,
                       "",
                       "success",
                       {{"session_id", session->id},
                        {"from", to_string(from)},
                        {"to", to_string(to)},
                        {"method", std::string(method)}}});
  return {};
}

bool end_session(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                 std::string_view session_id) {
  auto row = tx.query_one("DELETE FROM sessions WHERE id = ? RETURNING user_id",
                          {std::string(session_id)});
  if (!row) return false;
  store::append_audit(
      tx, clock, who,
      {"session.ended", row->text(0), "", "success", {{"session_id", std::string(session_id)}}});
  return true;
}

std::int64_t end_user_sessions(store::Tx& tx, std::string_view user_id) {
  return tx.exec("DELETE FROM sessions WHERE user_id = ?", {std::string(user_id)});
}

std::string csrf_token_for(std::string_view session_token) {
  const core::Sha256Digest mac =
      core::hmac_sha256(core::as_bytes(session_token), core::as_bytes("twostep-csrf-v1"));
  return core::base64url_encode(mac);
}

bool csrf_token_matches(std::string_view session_token, std::string_view presented) {
  return core::constant_time_equal(csrf_token_for(session_token), presented);
}

}  // namespace twostep::account
