// The two rules around code verification, as pure functions so that every factor (TOTP
// now; SMS codes and app passwords later) applies them the same way and the store only
// keeps their state: replay protection per credential and lockout per user.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

namespace twostep::totp {

/// True when a code matched at `matched_step` may be accepted: only steps strictly after
/// the credential's last accepted step count (a code at or below it is `replayed_code`).
/// The caller stores `matched_step` as the new last step before it reports approval.
bool is_fresh_step(std::optional<std::int64_t> last_accepted_step, std::int64_t matched_step);

/// Lockout settings; `normalised()` applies the bounds that the settings API also enforces.
struct LockoutPolicy {
  static constexpr int kMaxThreshold = 100;  // NIST SP 800-63B-4: never more than 100
  int threshold = 10;                        // consecutive failures that lock the user
  int lockout_minutes = 15;                  // how long a lock lasts, at least one minute

  LockoutPolicy normalised() const {
    return {std::clamp(threshold, 1, kMaxThreshold), std::max(lockout_minutes, 1)};
  }
};

/// What the users row stores: consecutive failures and the lock's end (Unix seconds).
struct LockoutState {
  std::int64_t failed_attempts = 0;
  std::optional<std::int64_t> locked_until;

  friend bool operator==(const LockoutState&, const LockoutState&) = default;
};

/// True while a lock is in force at `now`. A locked user's codes are not even checked.
bool is_locked(const LockoutState& state, std::int64_t now);

/// The state after a failed attempt at `now`. Reaching the threshold locks the user for
/// lockout_minutes. The count is not cleared when the lock ends — only a success clears
/// it — so after the first lock every further failure locks again at once: an attacker
/// gets `threshold` guesses, then one per lock period (privacyIDEA #1578 is what clearing
/// the counter automatically leads to). `locked_now` tells the caller to audit the lock.
struct FailureOutcome {
  LockoutState state;
  bool locked_now = false;
};
FailureOutcome record_failure(const LockoutPolicy& policy, const LockoutState& state,
                              std::int64_t now);

/// The state after a successful attempt: no failures, no lock. Asking for a new challenge
/// (a new SMS code, a new push) is not a success and must not call this.
inline LockoutState record_success() { return {}; }

}  // namespace twostep::totp
