#include "server/session_sign_in.hpp"

#include "account/passwords.hpp"
#include "account/settings.hpp"
#include "activation/user_guard.hpp"

namespace twostep::server {
namespace {

// Verified instead of a real hash when there is none, so that an unknown user costs one
// Argon2id verification like a known one. Made once, with the server's parameters.
const std::string& dummy_hash(core::Random& random) {
  static const std::string hash = account::hash_password("twostep dummy password", random);
  return hash;
}

std::unexpected<core::Error> invalid_credentials() {
  return core::fail(core::ErrorKind::kUnauthenticated, "invalid_credentials",
                    "the username or password is not correct");
}

struct Candidate {
  std::optional<account::User> user;
  std::optional<std::string> hash;
};

void audit_failure(App& app, const store::AuditContext& who, const Candidate& found,
                   std::string_view username, std::string_view reason) {
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    store::append_audit(tx, app.clock, who,
                        {"session.password",
                         found.user ? found.user->id : "",
                         "",
                         "failure",
                         {{"username", std::string(username)}, {"reason", std::string(reason)}}});
    if (found.user && reason == "invalid_password") {
      const account::Settings settings = account::load_settings(tx);
      if (auto ref = activation::find_user(tx, found.user->id)) {
        activation::record_user_failure(tx, app.clock, who, *ref,
                                        {settings.lockout_threshold, settings.lockout_minutes},
                                        "password");
      }
    }
    return true;
  });
}

bool is_locked(const account::User& user, core::TimePoint now) {
  return user.locked_until && *user.locked_until > now;
}

}  // namespace

core::Result<account::User> check_sign_in_password(App& app, const store::AuditContext& who,
                                                   std::string_view username,
                                                   std::string_view password) {
  Candidate found = app.store->read([&](store::Tx& tx) {
    Candidate c;
    c.user = account::find_user(tx, username);
    if (c.user) c.hash = account::password_hash_of(tx, c.user->id);
    return c;
  });
  const std::string& dummy = dummy_hash(app.random);
  const bool password_ok = account::verify_password(found.hash.value_or(dummy), password);
  const bool real = found.user && found.hash;
  std::string_view reason;
  if (!real) {
    reason = found.user ? "no_password" : "unknown_user";
  } else if (!password_ok) {
    reason = "invalid_password";
  } else if (found.user->status != account::UserStatus::kActive) {
    reason = account::to_string(found.user->status);
  }
  if (!reason.empty()) {
    audit_failure(app, who, found, username, reason);
    return invalid_credentials();
  }
  if (is_locked(*found.user, app.clock.now())) {
    audit_failure(app, who, found, username, "locked_out");
    auto error = core::fail(core::ErrorKind::kLocked, "locked_out",
                            "too many failed attempts; try again later");
    error.error().retry_after =
        std::chrono::ceil<std::chrono::seconds>(*found.user->locked_until - app.clock.now());
    return error;
  }
  return std::move(*found.user);
}

std::vector<std::string> sign_in_methods(store::Tx& tx, const core::Clock& clock,
                                         std::string_view user_id) {
  const std::string id(user_id);
  auto count = [&](std::string_view sql, store::Params params) {
    return tx.query_one(sql, params)->integer(0);
  };
  std::vector<std::string> out;
  const bool device =
      count("SELECT COUNT(*) FROM devices WHERE user_id = ? AND status = 'active'", {id}) > 0;
  const bool oath = count(
                        "SELECT COUNT(*) FROM totp_credentials WHERE user_id = ? AND "
                        "kind = 'oath' AND status = 'active'",
                        {id}) > 0;
  if (device) out.emplace_back("push");
  if (device || oath) out.emplace_back("totp");
  const std::int64_t mobiles =
      count("SELECT COUNT(*) FROM phones WHERE user_id = ? AND type <> 'office'", {id});
  const std::int64_t phones = count("SELECT COUNT(*) FROM phones WHERE user_id = ?", {id});
  if (mobiles > 0) out.emplace_back("sms");
  if (phones > 0) out.emplace_back("voice");
  if (count("SELECT COUNT(*) FROM temporary_access_codes WHERE user_id = ? AND used_at IS NULL "
            "AND expires_at > ?",
            {id, core::unix_seconds(clock.now())}) > 0) {
    out.emplace_back("temporary_access");
  }
  return out;
}

bool has_method_since(store::Tx& tx, std::string_view user_id, core::TimePoint since) {
  const std::string id(user_id);
  const std::int64_t t = core::unix_seconds(since);
  auto row = tx.query_one(
      "SELECT (SELECT COUNT(*) FROM devices WHERE user_id = ? AND status = 'active' AND "
      "created_at >= ?) + (SELECT COUNT(*) FROM totp_credentials WHERE user_id = ? AND "
      "kind = 'oath' AND status = 'active' AND activated_at >= ?) + (SELECT COUNT(*) FROM phones "
      "WHERE user_id = ? AND updated_at >= ?)",
      {id, t, id, t, id, t});
  return row && row->integer(0) > 0;
}

}  // namespace twostep::server
