#include "store/sqlite/write_gathering.hpp"

#include <algorithm>

namespace twostep::store {

void WriteGathering::arrived(Clock::time_point now) {
  if (arrived_before_) mean_gap_ += ((now - last_arrival_) - mean_gap_) / 8;
  last_arrival_ = now;
  arrived_before_ = true;
}

std::size_t WriteGathering::target(std::size_t queued, std::size_t last_batch) const {
  const std::size_t wanted = std::min(last_batch, kMaxTarget);
  if (queued >= wanted || mean_gap_ >= window_) return 0;
  return wanted;
}

}  // namespace twostep::store
