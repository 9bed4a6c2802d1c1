// The per-user cap on app password checks. Each check costs one Argon2id hash per stored
// password, so a caller guessing passwords could tie up the worker threads; the cap bounds
// the checks in flight plus the recent failures of one user. It is kept in the store (one
// row per attempt), so it holds across server nodes. A check reserves its slot before it
// hashes and gives it back only when it succeeds: failures keep counting for the window.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>
#include <variant>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// Checks in flight plus failures per user and window.
inline constexpr std::int64_t kAppPasswordAttemptsPerWindow = 5;
inline constexpr std::chrono::seconds kAppPasswordAttemptWindow{60};

/// A reserved attempt (its row id), to end with end_app_password_attempt.
struct AppPasswordAttempt {
  std::int64_t id = 0;
};

/// The cap is reached: retry after this long (at least one second).
struct AppPasswordLimited {
  std::chrono::seconds retry_after{1};
};

/// Reserves an attempt slot for the user id in a write transaction, or tells how long to
/// wait when the window already holds kAppPasswordAttemptsPerWindow attempts. Prunes the
/// user's rows older than the window.
std::variant<AppPasswordAttempt, AppPasswordLimited> begin_app_password_attempt(
    store::Tx& tx, const core::Clock& clock, std::string_view user_id);

/// Ends an attempt: a success frees its slot; a failure keeps it until the window passes.
void end_app_password_attempt(store::Tx& tx, const AppPasswordAttempt& attempt, bool success);

}  // namespace twostep::account
