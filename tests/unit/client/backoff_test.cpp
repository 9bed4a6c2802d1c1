#include "client/backoff.hpp"

#include <set>

#include <gtest/gtest.h>

namespace twostep::client {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsWithinHalfToFullOfTheDoublingCeiling) {
  core::SeededRandom random(7);
  Backoff backoff({milliseconds(100), milliseconds(1000)});
  const std::int64_t ceilings[] = {100, 200, 400, 800, 1000, 1000, 1000};
  for (const std::int64_t ceiling : ceilings) {
    const auto delay = backoff.next(random).count();
    EXPECT_GE(delay, ceiling / 2);
    EXPECT_LE(delay, ceiling);
  }
}

TEST(Backoff, ResetStartsOver) {
  core::SeededRandom random(1);
  Backoff backoff({milliseconds(100), milliseconds(10000)});
  for (int i = 0; i < 10; ++i) backoff.next(random);
  backoff.reset();
  EXPECT_EQ(backoff.attempt(), 0u);
  EXPECT_LE(backoff.next(random).count(), 100);
}

TEST(Backoff, JitterSpreadsACrowd) {
  // A thousand devices cut off at once must not all come back in the same millisecond.
  core::SeededRandom random(3);
  std::set<std::int64_t> delays;
  for (int i = 0; i < 1000; ++i) {
    Backoff backoff({milliseconds(1000), milliseconds(30000)});
    delays.insert(backoff.next(random).count());
  }
  EXPECT_GT(delays.size(), 300u);
}

TEST(Backoff, ManyAttemptsStayAtTheCap) {
  core::SeededRandom random(5);
  Backoff backoff({milliseconds(500), milliseconds(30000)});
  for (int i = 0; i < 200; ++i) EXPECT_LE(backoff.next(random).count(), 30000);
}

}  // namespace
}  // namespace twostep::client
