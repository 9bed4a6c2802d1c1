// The app password check cap; see app_password_limit.hpp.
#include "account/app_password_limit.hpp"

#include <algorithm>
#include <string>

namespace twostep::account {

std::variant<AppPasswordAttempt, AppPasswordLimited> begin_app_password_attempt(
    store::Tx& tx, const core::Clock& clock, std::string_view user_id) {
  const std::int64_t now = core::unix_seconds(clock.now());
  const std::int64_t window_start = now - kAppPasswordAttemptWindow.count();
  const std::string user(user_id);
  tx.exec("DELETE FROM app_password_attempts WHERE user_id = ? AND created_at <= ?",
          {user, window_start});
  auto row = tx.query_one(
      "SELECT COUNT(*), MIN(created_at) FROM app_password_attempts WHERE user_id = ?", {user});
  if (row && row->integer(0) >= kAppPasswordAttemptsPerWindow) {
    // The oldest attempt leaves the window first and frees a slot.
    const std::int64_t wait = row->opt_integer(1).value_or(now) - window_start;
    return AppPasswordLimited{std::chrono::seconds(std::max<std::int64_t>(1, wait))};
  }
  auto inserted = tx.query_one(
      "INSERT INTO app_password_attempts (user_id, created_at) VALUES (?, ?) RETURNING id",
      {user, now});
  return AppPasswordAttempt{inserted ? inserted->integer(0) : 0};
}

void end_app_password_attempt(store::Tx& tx, const AppPasswordAttempt& attempt, bool success) {
  if (success) tx.exec("DELETE FROM app_password_attempts WHERE id = ?", {attempt.id});
}

}  // namespace twostep::account
