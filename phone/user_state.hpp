// What phone methods read and change on the users table: the user's status, preferred
// method and lockout state. The users table belongs to account/, which phone/ may not
// include (STYLE.md's layers); like push/principals.hpp, these are the few statements it
// needs, applying the lockout rule from totp/rules.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "totp/rules.hpp"

namespace twostep::phone::detail {

/// A user as phone methods see them.
struct UserState {
  std::string id;
  std::string status;            // active | disabled | blocked
  std::string preferred_method;  // "" when none
  totp::LockoutState lockout;
};

std::optional<UserState> find_user(store::Tx& tx, std::string_view user_id);

/// find_user, or 404 "user_not_found".
core::Result<UserState> require_user(store::Tx& tx, std::string_view user_id);

/// Refuses a user who may not use or change methods: 423 "user_blocked", 403
/// "user_disabled".
core::Result<void> require_usable(const UserState& user);

/// require_usable, and 423 "locked_out" (retry_after until the lock ends) while locked.
core::Result<void> require_may_authenticate(const UserState& user, std::int64_t now);

/// Counts a failed code (an atomic increment, so concurrent failures on any node all count)
/// and locks the user at the policy's threshold, auditing "user.locked_out". Returns the
/// outcome of the rule.
totp::FailureOutcome record_failure(store::Tx& tx, const core::Clock& clock,
                                    const store::AuditContext& who, const UserState& user,
                                    const totp::LockoutPolicy& policy);

/// Clears failures and any lock after a successful sign-in code.
void record_success(store::Tx& tx, const core::Clock& clock, const UserState& user);

/// Takes the user's row lock for the rest of the transaction (PostgreSQL row lock; SQLite
/// serialises writers anyway), so that checks and inserts of one user's sends run one at a
/// time across nodes.
void lock_user_row(store::Tx& tx, std::string_view user_id);

/// Runs `f(tx)` (returning a core::Result) in a write transaction that commits whatever `f`
/// returns, for refusals that must leave a record (a failed attempt, an audit row); an
/// exception still rolls back.
template <class F>
auto write_committing(store::Store& store, F&& f) -> decltype(f(std::declval<store::Tx&>())) {
  std::optional<decltype(f(std::declval<store::Tx&>()))> out;
  store.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    out.emplace(f(tx));
    return true;
  });
  return std::move(*out);
}

}  // namespace twostep::phone::detail
