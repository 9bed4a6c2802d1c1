// Reconnection delays: exponential growth with jitter, so that thousands of devices cut off
// at once (a server restart) do not all come back in the same instant.
#pragma once

#include <chrono>

#include "core/random.hpp"

namespace twostep::client {

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};
  std::chrono::milliseconds max{30000};
};

/// The n-th delay (n counted from 0 since the last reset) is uniform in [c/2, c] with
/// c = min(max, initial * 2^n): growth keeps a dead server from being hammered, the random
/// half spreads a crowd out, and the fixed half keeps a lone device from retrying at once.
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {}) : policy_(policy) {}

  std::chrono::milliseconds next(core::Random& random);
  /// After a connection that got through: start again from `initial`.
  void reset() { attempt_ = 0; }
  unsigned attempt() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  unsigned attempt_ = 0;
};

}  // namespace twostep::client
