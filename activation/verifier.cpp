#include "activation/verifier.hpp"

#include "activation/totp_credentials.hpp"
#include "activation/user_guard.hpp"
#include "totp/otp.hpp"
#include "totp/uri_component.hpp"

namespace twostep::activation {
namespace {

// What matching the code against the credentials found.
struct Match {
  const Credential* accepted = nullptr;  // matched a fresh step, and the step is now stored
  bool replayed = false;                 // matched, but only at or below the last step
};

Match match_code(store::Tx& tx, const core::Clock& clock, const core::Sealer& sealer,
                 const store::AuditContext& who, const std::vector<UsableCredential>& usable,
                 std::string_view code, int window_steps) {
  Match match;
  const std::int64_t now = core::unix_seconds(clock.now());
  for (const UsableCredential& u : usable) {
    const Credential& c = u.credential;
    auto secret = open_sealed_secret(sealer, u.secret_sealed, c.id);
    if (!secret) {
      store::append_audit(tx, clock, who,
                          {"totp.secret_invalid",
                           c.user_id,
                           c.device_id.value_or(""),
                           "failure",
                           {{"credential_id", c.id}}});
      continue;
    }
    const auto step = totp::verify_totp(secret->view(), c.params, code, now, window_steps);
    if (!step) continue;
    if (totp::is_fresh_step(c.last_step, *step) && claim_step(tx, c.id, *step)) {
      match.accepted = &c;
      return match;
    }
    match.replayed = true;
  }
  return match;
}

TotpVerdict deny(const UserRef* user, std::string reason) {
  TotpVerdict v;
  v.reason = std::move(reason);
  if (user) v.user_id = user->id;
  return v;
}

// At most `max` bytes of `text`, cut on a character boundary.
std::string clip_utf8(std::string_view text, std::size_t max) {
  std::string_view clipped = text.substr(0, max);
  while (!clipped.empty() && !totp::is_valid_utf8(clipped)) clipped.remove_suffix(1);
  return std::string(clipped);
}

void audit_verdict(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                   const TotpVerdict& verdict, std::string_view attempted_user) {
  boost::json::object detail;
  if (!verdict.reason.empty()) detail["reason"] = verdict.reason;
  if (!verdict.credential_id.empty()) detail["credential_id"] = verdict.credential_id;
  if (verdict.user_id.empty()) detail["unknown_user"] = clip_utf8(attempted_user, 64);
  store::append_audit(tx, clock, who,
                      {"totp.verify", verdict.user_id, verdict.device_id.value_or(""),
                       verdict.approved ? "approved" : "denied", std::move(detail)});
}

TotpVerdict decide(store::Tx& tx, const core::Clock& clock, const core::Sealer& sealer,
                   const store::AuditContext& who, std::string_view id_or_username,
                   std::string_view code, const TotpPolicy& policy) {
  const auto user = find_user(tx, id_or_username);
  if (!user) return deny(nullptr, "invalid_code");
  if (user->status == "disabled") return deny(&*user, "user_disabled");
  if (user->status == "blocked") return deny(&*user, "user_blocked");
  const std::int64_t now = core::unix_seconds(clock.now());
  if (totp::is_locked(user->lockout, now)) {
    TotpVerdict v = deny(&*user, "locked_out");
    v.retry_after = std::chrono::seconds(*user->lockout.locked_until - now);
    return v;
  }

  const auto credentials = usable_credentials(tx, user->id);
  const Match match = match_code(tx, clock, sealer, who, credentials, code, policy.window_steps);
  if (match.accepted) {
    record_user_success(tx, clock, *user);
    TotpVerdict v;
    v.approved = true;
    v.user_id = user->id;
    v.credential_id = match.accepted->id;
    v.device_id = match.accepted->device_id;
    return v;
  }
  const auto failure = record_user_failure(tx, clock, who, *user, policy.lockout, "totp");
  TotpVerdict v = deny(&*user, match.replayed ? "replayed_code" : "invalid_code");
  if (failure.locked_now) v.retry_after = std::chrono::seconds(*failure.state.locked_until - now);
  return v;
}

}  // namespace

TotpVerdict verify_user_totp(store::Tx& tx, const core::Clock& clock, const core::Sealer& sealer,
                             const store::AuditContext& who, std::string_view id_or_username,
                             std::string_view code, const TotpPolicy& policy) {
  TotpVerdict verdict = decide(tx, clock, sealer, who, id_or_username, code, policy);
  audit_verdict(tx, clock, who, verdict, id_or_username);
  return verdict;
}

TotpVerdict verify_user_totp(store::Store& store, const core::Clock& clock,
                             const core::Sealer& sealer, const store::AuditContext& who,
                             std::string_view id_or_username, std::string_view code,
                             const TotpPolicy& policy) {
  TotpVerdict verdict;
  store.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    verdict = verify_user_totp(tx, clock, sealer, who, id_or_username, code, policy);
    return true;
  });
  return verdict;
}

}  // namespace twostep::activation
