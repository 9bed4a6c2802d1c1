// The rule that decides when the SQLite writer waits for more writes to join a batch.
#include "store/sqlite/write_gathering.hpp"

#include <gtest/gtest.h>

namespace twostep::store {
namespace {

using namespace std::chrono_literals;
using Clock = WriteGathering::Clock;

// `n` arrivals `gap` apart, the first one `gap` after `start`; returns the last one's time.
Clock::time_point arrive(WriteGathering& rule, Clock::time_point start, int n,
                         Clock::duration gap) {
  Clock::time_point at = start;
  for (int i = 0; i < n; ++i) rule.arrived(at += gap);
  return at;
}

TEST(WriteGathering, WaitsForAsManyAsTheLastBatchOnceWritesArriveFast) {
  WriteGathering rule(500us);
  arrive(rule, Clock::time_point{}, 100, 100us);
  EXPECT_EQ(rule.target(1, 6), 6u);
  EXPECT_EQ(rule.target(5, 6), 6u);
  EXPECT_EQ(rule.target(6, 6), 0u) << "the batch is there already";
  EXPECT_EQ(rule.target(1, 1000), WriteGathering::kMaxTarget);
}

TEST(WriteGathering, ACallerOnItsOwnNeverWaits) {
  WriteGathering rule(500us);
  arrive(rule, Clock::time_point{}, 100, 100us);
  EXPECT_EQ(rule.target(1, 1), 0u);
  EXPECT_EQ(rule.target(1, 0), 0u) << "the first batch";
}

TEST(WriteGathering, AFreshWriterDoesNotWaitUntilWritesHaveArrivedFast) {
  WriteGathering rule(500us);
  EXPECT_EQ(rule.target(1, 6), 0u);
  arrive(rule, Clock::time_point{}, 3, 100us);
  EXPECT_EQ(rule.target(1, 6), 0u) << "three quick writes are not a load yet";
}

TEST(WriteGathering, ATrickleOfWritesDoesNotWaitEvenAfterABatchOfSeveral) {
  WriteGathering rule(500us);
  auto last = arrive(rule, Clock::time_point{}, 100, 100us);
  ASSERT_EQ(rule.target(1, 4), 4u);
  // The load drops to a write every 5 ms (a few requests, each writing twice at once).
  for (int i = 0; i < 10; ++i) last = arrive(rule, last, 2, i % 2 ? 10us : 5ms);
  EXPECT_EQ(rule.target(1, 4), 0u);
  // And comes back.
  arrive(rule, last, 40, 100us);
  EXPECT_EQ(rule.target(1, 4), 4u);
}

TEST(WriteGathering, NoWindowNeverWaits) {
  WriteGathering rule(0us);
  arrive(rule, Clock::time_point{}, 100, 1us);
  EXPECT_EQ(rule.target(1, 6), 0u);
}

}  // namespace
}  // namespace twostep::store
