// Users as phone methods see them; see user_state.hpp.
#include "phone/user_state.hpp"

#include <algorithm>

namespace twostep::phone::detail {

std::optional<UserState> find_user(store::Tx& tx, std::string_view user_id) {
  auto row = tx.query_one(
      "SELECT id, status, preferred_method, failed_attempts, locked_until FROM users "
      "WHERE id = ?",
      {std::string(user_id)});
  if (!row) return std::nullopt;
  return UserState{row->text(0), row->text(1), row->opt_text(2).value_or(""),
                   totp::LockoutState{row->integer(3), row->opt_integer(4)}};
}

core::Result<UserState> require_user(store::Tx& tx, std::string_view user_id) {
  if (auto user = find_user(tx, user_id)) return std::move(*user);
  return core::fail(core::ErrorKind::kNotFound, "user_not_found", "no such user");
}

core::Result<void> require_usable(const UserState& user) {
  if (user.status == "blocked") {
    return core::fail(core::ErrorKind::kLocked, "user_blocked",
                      "the user is blocked until an administrator unblocks them");
  }
  if (user.status != "active") {
    return core::fail(core::ErrorKind::kForbidden, "user_disabled", "the user is disabled");
  }
  return {};
}

core::Result<void> require_may_authenticate(const UserState& user, std::int64_t now) {
  if (auto usable = require_usable(user); !usable) return usable;
  if (totp::is_locked(user.lockout, now)) {
    auto error = core::fail(core::ErrorKind::kLocked, "locked_out",
                            "too many failed attempts; try again later");
    error.error().retry_after =
        std::chrono::seconds(std::max<std::int64_t>(1, *user.lockout.locked_until - now));
    return error;
  }
  return {};
}

totp::FailureOutcome record_failure(store::Tx& tx, const core::Clock& clock,
                                    const store::AuditContext& who, const UserState& user,
                                    const totp::LockoutPolicy& policy) {
  const std::int64_t now = core::unix_seconds(clock.now());
  // Incremented in the database, so failures racing on other threads or nodes all count;
  // the rule then sees the count from before this failure.
  auto row = tx.query_one(
      "UPDATE users SET failed_attempts = failed_attempts + 1, updated_at = ? WHERE id = ? "
      "RETURNING failed_attempts, locked_until",
      {now, user.id});
  if (!row) return {user.lockout, false};
  const totp::LockoutState before{row->integer(0) - 1, row->opt_integer(1)};
  totp::FailureOutcome out = totp::record_failure(policy, before, now);
  if (out.locked_now) {
    tx.exec("UPDATE users SET locked_until = ? WHERE id = ?", {*out.state.locked_until, user.id});
    store::append_audit(tx, clock, who,
                        {"user.locked_out",
                         user.id,
                         "",
                         "locked",
                         {{"factor", "phone"},
                          {"failed_attempts", out.state.failed_attempts},
                          {"locked_until", *out.state.locked_until}}});
  }
  return out;
}

void record_success(store::Tx& tx, const core::Clock& clock, const UserState& user) {
  if (user.lockout == totp::LockoutState{}) return;
  tx.exec("UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?",
          {core::unix_seconds(clock.now()), user.id});
}

void lock_user_row(store::Tx& tx, std::string_view user_id) {
  tx.exec("UPDATE users SET failed_attempts = failed_attempts WHERE id = ?",
          {std::string(user_id)});
}

}  // namespace twostep::phone::detail
