#include "totp/rules.hpp"

namespace twostep::totp {

bool is_fresh_step(std::optional<std::int64_t> last_accepted_step, std::int64_t matched_step) {
  return !last_accepted_step || matched_step > *last_accepted_step;
}

bool is_locked(const LockoutState& state, std::int64_t now) {
  return state.locked_until && now < *state.locked_until;
}

FailureOutcome record_failure(const LockoutPolicy& policy, const LockoutState& state,
                              std::int64_t now) {
  const LockoutPolicy p = policy.normalised();
  FailureOutcome out{state, false};
  out.state.failed_attempts = state.failed_attempts + 1;
  if (out.state.failed_attempts >= p.threshold) {
    out.state.locked_until = now + std::int64_t{p.lockout_minutes} * 60;
    out.locked_now = true;
  }
  return out;
}

}  // namespace twostep::totp
