// POST /v1/auth/app-password {username, password} → {status: approved|denied, reason?,
// retry_after?}: an application (a mail or VPN gateway speaking a legacy protocol) asks
// whether this is one of the user's app passwords. A denial is an answer (200 with a
// reason), like POST /v1/auth/totp.
//
// Each check costs one Argon2id hash per stored password, so it is done in three steps:
//   1. a short write transaction refuses what needs no hash (switched off, blocked,
//      disabled, locked out, too many recent attempts) and otherwise reserves an attempt
//      slot (account/app_password_limit.hpp: at most 5 checks in flight or failed per user
//      and minute, kept in the store so the cap holds across nodes) and reads the hashes;
//   2. the hashes are checked outside any transaction, on this worker thread (handlers
//      never run on the I/O threads);
//   3. a second write transaction records the outcome: the use, or the failure counted
//      toward the user's lockout (activation/user_guard.hpp, shared with TOTP).
// Reasons: invalid_password, app_passwords_disabled, user_disabled, user_blocked,
// locked_out and rate_limited (both with retry_after in seconds). An unknown user gets
// invalid_password after one hash, like a user without app passwords. A success does not
// clear the failure count: an app password is one factor and must not reset the lockout
// of the second step's codes.
#include <mutex>

#include "account/app_password_limit.hpp"
#include "account/app_passwords.hpp"
#include "account/settings.hpp"
#include "activation/user_guard.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

struct Verdict {
  bool approved = false;
  std::string reason;
  std::chrono::seconds retry_after{0};
};

Verdict denied(std::string reason, std::chrono::seconds retry_after = {}) {
  return {false, std::move(reason), retry_after};
}

// What step 1 found: a verdict already, or the hashes to check.
struct Check {
  std::optional<Verdict> early;
  std::optional<activation::UserRef> user;
  std::optional<account::AppPasswordAttempt> attempt;
  std::vector<account::AppPasswordCandidate> candidates;
  totp::LockoutPolicy lockout;
};

void audit_verdict(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                   const Verdict& verdict, const Check& check, std::string_view matched_id) {
  boost::json::object detail;
  if (!verdict.reason.empty()) detail["reason"] = verdict.reason;
  if (!matched_id.empty()) detail["app_password_id"] = matched_id;
  store::append_audit(tx, clock, who,
                      {"app_password.verify", check.user ? check.user->id : "", "",
                       verdict.approved ? "approved" : "denied", std::move(detail)});
}

// Step 1's refusals that need no hash, in order; nullopt when the hashes must decide.
std::optional<Verdict> refusal(store::Tx& tx, const core::Clock& clock, Check& check) {
  const activation::UserRef& user = *check.user;
  if (auto usable = activation::require_usable(user); !usable) return denied(usable.error().code);
  const std::int64_t now = core::unix_seconds(clock.now());
  if (totp::is_locked(user.lockout, now)) {
    return denied("locked_out", std::chrono::seconds(*user.lockout.locked_until - now));
  }
  auto slot = account::begin_app_password_attempt(tx, clock, user.id);
  if (auto* limited = std::get_if<account::AppPasswordLimited>(&slot)) {
    return denied("rate_limited", limited->retry_after);
  }
  check.attempt = std::get<account::AppPasswordAttempt>(slot);
  return std::nullopt;
}

Check begin_check(App& app, const store::AuditContext& who, std::string_view username) {
  Check check;
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    const account::Settings settings = account::load_settings(tx);
    check.lockout = {settings.lockout_threshold, settings.lockout_minutes};
    check.user = activation::find_user(tx, username);
    if (!settings.app_passwords_enabled) {
      check.early = denied("app_passwords_disabled");
    } else if (check.user) {
      check.early = refusal(tx, app.clock, check);
      if (!check.early) check.candidates = account::app_password_candidates(tx, check.user->id);
    }
    if (check.early) audit_verdict(tx, app.clock, who, *check.early, check, "");
    return true;
  });
  return check;
}

// A hash of a string that is never a generated password, checked when there is nothing
// else to check, so that an unknown user costs the same hash as a user without app
// passwords.
const std::vector<account::AppPasswordCandidate>& timing_candidates(App& app) {
  static std::once_flag once;
  static std::vector<account::AppPasswordCandidate> candidates;
  std::call_once(once, [&app] {
    candidates.push_back({"", account::hash_password("not-an-app-password", app.random)});
  });
  return candidates;
}

Verdict finish_check(App& app, const store::AuditContext& who, Check& check,
                     const std::optional<std::string>& matched) {
  Verdict verdict = matched ? Verdict{true, "", {}} : denied("invalid_password");
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    if (matched) {
      account::record_app_password_use(tx, app.clock, *matched);
    } else if (check.user) {
      const auto failure = activation::record_user_failure(tx, app.clock, who, *check.user,
                                                           check.lockout, "app_password");
      if (failure.locked_now) {
        verdict.retry_after =
            std::chrono::seconds(*failure.state.locked_until - core::unix_seconds(app.clock.now()));
      }
    }
    if (check.attempt) account::end_app_password_attempt(tx, *check.attempt, matched.has_value());
    audit_verdict(tx, app.clock, who, verdict, check, matched.value_or(""));
    return true;
  });
  return verdict;
}

boost::json::object verdict_json(const Verdict& verdict) {
  if (verdict.approved) return {{"status", "approved"}};
  boost::json::object out{{"status", "denied"}, {"reason", verdict.reason}};
  if (verdict.retry_after.count() > 0) out["retry_after"] = verdict.retry_after.count();
  return out;
}

core::Result<HttpResponse> auth_app_password(App& app, HttpRequest& request) {
  auto input = read_username_password(request, 128);
  if (!input) return std::unexpected(input.error());
  const store::AuditContext who = audit_context(request);
  Check check = begin_check(app, who, input->username);
  if (check.early) return json_response(200, verdict_json(*check.early));
  const auto& candidates = check.candidates.empty() ? timing_candidates(app) : check.candidates;
  std::optional<std::string> matched = account::match_app_password(candidates, input->password);
  if (matched && matched->empty()) matched.reset();  // the timing candidate never counts
  return json_response(200, verdict_json(finish_check(app, who, check, matched)));
}

}  // namespace

void register_auth_app_password_routes(Router& router, App& app) {
  router.add("POST", "/v1/auth/app-password", Access::kApplication,
             bind_app(app, auth_app_password));
}

}  // namespace twostep::server
