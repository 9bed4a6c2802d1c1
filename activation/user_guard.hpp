// What the activation module needs from the users table: finding a user by id or username,
// and keeping the lockout state (consecutive failures, lock end) on the user's row with the
// rule from totp/rules.hpp. Failures are counted with an atomic increment, so concurrent
// failed attempts (on one node or several) are all counted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "totp/rules.hpp"

namespace twostep::activation {

/// The parts of a user row that authentication and enrolment look at.
struct UserRef {
  std::string id;
  std::string username;
  std::string display_name;
  std::string status;  // active | disabled | blocked
  totp::LockoutState lockout;
};

/// The lookup key for a username (what users.username_key holds): ASCII letters lower-cased.
std::string username_key(std::string_view username);

/// The user with this id or username, or nullopt.
std::optional<UserRef> find_user(store::Tx& tx, std::string_view id_or_username);

/// find_user, or 404 "user_not_found".
core::Result<UserRef> require_user(store::Tx& tx, std::string_view id_or_username);

/// Refuses users who may not add or use a method: 403 "user_disabled", 423 "user_blocked".
core::Result<void> require_usable(const UserRef& user);

/// Counts one failed attempt on the user's row and locks it at the threshold. A new lock is
/// audited as "user.locked_out". Returns the state after the failure.
totp::FailureOutcome record_user_failure(store::Tx& tx, const core::Clock& clock,
                                         const store::AuditContext& who, const UserRef& user,
                                         const totp::LockoutPolicy& policy,
                                         std::string_view factor);

/// Clears failures and any lock after a successful attempt.
void record_user_success(store::Tx& tx, const core::Clock& clock, const UserRef& user);

}  // namespace twostep::activation
