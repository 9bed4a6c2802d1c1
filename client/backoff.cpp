#include "client/backoff.hpp"

#include <algorithm>
#include <limits>

namespace twostep::client {

std::chrono::milliseconds Backoff::next(core::Random& random) {
  const auto initial = std::max<std::int64_t>(policy_.initial.count(), 1);
  const auto max = std::max<std::int64_t>(policy_.max.count(), initial);
  // Doubling stops once the cap is reached, so the shift never overflows.
  std::int64_t ceiling = initial;
  for (unsigned i = 0; i < attempt_ && ceiling < max; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max);
  if (attempt_ < std::numeric_limits<unsigned>::max()) ++attempt_;
  const std::int64_t half = ceiling / 2;
  const auto span = static_cast<std::uint32_t>(
      std::min<std::int64_t>(ceiling - half + 1, std::numeric_limits<std::uint32_t>::max()));
  return std::chrono::milliseconds(half + random.uniform(span));
}

}  // namespace twostep::client
