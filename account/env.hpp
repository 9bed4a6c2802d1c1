// What every state-changing account operation needs from outside: the time and a source of
// randomness. Only main() makes the real ones; tests pass a ManualClock and SeededRandom.
#pragma once

#include "core/clock.hpp"
#include "core/random.hpp"

namespace twostep::account {

/// Time and randomness for account operations. Both references must outlive the Env.
struct Env {
  const core::Clock& clock;
  core::Random& random;
};

}  // namespace twostep::account
