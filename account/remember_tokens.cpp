// Remember tokens; see remember_tokens.hpp.
#include "account/remember_tokens.hpp"

#include "core/crypto.hpp"
#include "core/ids.hpp"

namespace twostep::account {

namespace {

constexpr std::string_view kTokenPrefix = "tsr_";
constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;
// last_used_at is informational: refreshing it once an hour keeps pre-auth a read in the
// common case.
constexpr std::int64_t kUseRecordIntervalSeconds = 60 * 60;

std::string origin_text(const RememberOrigin& origin) {
  if (origin.kind == "application") return "application:" + origin.application_id;
  return origin.kind;
}

// The oldest creation time a token may have to be live now under `remember_days`.
std::int64_t oldest_live_creation(std::int64_t now, int remember_days) {
  return now - std::int64_t{remember_days} * kSecondsPerDay;
}

}  // namespace

std::optional<IssuedRememberToken> issue_remember_token(store::Tx& tx, const Env& env,
                                                        const store::AuditContext& who,
                                                        std::string_view user_id, int remember_days,
                                                        const RememberOrigin& origin) {
  if (remember_days <= 0) return std::nullopt;
  const std::int64_t now = core::unix_seconds(env.clock.now());
  const std::int64_t expires_at = now + std::int64_t{remember_days} * kSecondsPerDay;
  std::string token = std::string(kTokenPrefix) + env.random.token(32);
  const std::string id = core::new_id("rmt", env.random);
  const std::string user(user_id);
  // Expired rows of this user are of no use to anyone; they go as a new one arrives.
  tx.exec("DELETE FROM remember_tokens WHERE user_id = ? AND expires_at <= ?", {user, now});
  tx.exec(
      "INSERT INTO remember_tokens (id, user_id, token_hash, origin, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {id, user, core::sha256_hex(token), origin_text(origin), now, expires_at});
  store::append_audit(tx, env.clock, who,
                      {"trusted_browser.added",
                       user,
                       "",
                       "success",
                       {{"token_id", id},
                        {"origin", origin_text(origin)},
                        {"expires_at", core::to_rfc3339(core::from_unix_seconds(expires_at))}}});
  return IssuedRememberToken{std::move(token), core::from_unix_seconds(expires_at)};
}

bool remember_token_valid(store::Tx& tx, const core::Clock& clock, std::string_view user_id,
                          std::string_view token, int remember_days) {
  if (remember_days <= 0 || !token.starts_with(kTokenPrefix)) return false;
  const std::string hash = core::sha256_hex(token);
  auto row = tx.query_one(
      "SELECT token_hash, created_at, expires_at FROM remember_tokens "
      "WHERE token_hash = ? AND user_id = ?",
      {hash, std::string(user_id)});
  // The index finds the row; the comparison that decides is the constant-time one.
  if (!row || !core::constant_time_equal(row->text(0), hash)) return false;
  const std::int64_t now = core::unix_seconds(clock.now());
  return row->integer(2) > now && row->integer(1) > oldest_live_creation(now, remember_days);
}

void record_remember_token_use(store::Tx& tx, const core::Clock& clock, std::string_view token) {
  const std::int64_t now = core::unix_seconds(clock.now());
  tx.exec(
      "UPDATE remember_tokens SET last_used_at = ? WHERE token_hash = ? AND "
      "(last_used_at IS NULL OR last_used_at <= ?)",
      {now, core::sha256_hex(token), now - kUseRecordIntervalSeconds});
}

std::int64_t revoke_remember_tokens(store::Tx& tx, const core::Clock& clock,
                                    const store::AuditContext& who, std::string_view user_id,
                                    std::string_view reason) {
  const std::int64_t revoked =
      tx.exec("DELETE FROM remember_tokens WHERE user_id = ?", {std::string(user_id)});
  if (!who.actor.empty()) {
    store::append_audit(tx, clock, who,
                        {"trusted_browsers.revoked",
                         std::string(user_id),
                         "",
                         "success",
                         {{"reason", reason}, {"revoked", revoked}}});
  }
  return revoked;
}

std::int64_t count_remember_tokens(store::Tx& tx, const core::Clock& clock,
                                   std::string_view user_id, int remember_days) {
  if (remember_days <= 0) return 0;
  const std::int64_t now = core::unix_seconds(clock.now());
  auto row = tx.query_one(
      "SELECT COUNT(*) FROM remember_tokens WHERE user_id = ? AND expires_at > ? AND "
      "created_at > ?",
      {std::string(user_id), now, oldest_live_creation(now, remember_days)});
  return row ? row->integer(0) : 0;
}

}  // namespace twostep::account
