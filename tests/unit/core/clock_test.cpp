#include "core/clock.hpp"

#include <gtest/gtest.h>
#include <limits>

namespace twostep::core {
namespace {

using namespace std::chrono_literals;

TEST(Rfc3339, FormatsUtcWithSecondPrecision) {
  EXPECT_EQ(to_rfc3339(from_unix_seconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(to_rfc3339(from_unix_seconds(1795823111)), "2026-11-27T23:45:11Z");
  EXPECT_EQ(to_rfc3339(from_unix_seconds(951782400)), "2000-02-29T00:00:00Z");
  EXPECT_EQ(to_rfc3339(from_unix_seconds(-1)), "1969-12-31T23:59:59Z");
  EXPECT_EQ(to_rfc3339(from_unix_seconds(59) + 999ms), "1970-01-01T00:00:59Z");
}

TEST(Rfc3339, RoundTrips) {
  for (std::int64_t s : {0LL, 1LL, 59LL, 1111111111LL, 1795823111LL, 4102444799LL}) {
    const auto t = from_unix_seconds(s);
    const auto parsed = parse_rfc3339(to_rfc3339(t));
    ASSERT_TRUE(parsed.has_value()) << s;
    EXPECT_EQ(*parsed, t);
  }
}

TEST(Rfc3339, ParsesOffsetsAndFractions) {
  const auto base = from_unix_seconds(1795823111);
  EXPECT_EQ(parse_rfc3339("2026-11-28T01:45:11+02:00"), base);
  EXPECT_EQ(parse_rfc3339("2026-11-27T18:15:11-05:30"), base);
  EXPECT_EQ(parse_rfc3339("2026-11-27t23:45:11z"), base);
  EXPECT_EQ(parse_rfc3339("2026-11-27T23:45:11.5Z"), base + 500ms);
  EXPECT_EQ(parse_rfc3339("2026-11-27T23:45:11.123456789Z"), base + 123456789ns);
  EXPECT_EQ(parse_rfc3339("2026-11-27T23:45:11.1234567891234Z"), base + 123456789ns);
}

TEST(Rfc3339, RejectsMalformedInput) {
  for (std::string_view s : {
           "",
           "2026-11-27",
           "2026-11-27T23:45:11",
           "2026-11-27 23:45:11Z",
           "2026-13-01T00:00:00Z",
           "2026-02-29T00:00:00Z",
           "2026-11-31T00:00:00Z",
           "2026-11-27T24:00:00Z",
           "2026-11-27T23:60:00Z",
           "2026-11-27T23:45:60Z",
           "2026-11-27T23:45:11.Z",
           "2026-11-27T23:45:11+0200",
           "2026-11-27T23:45:11+24:00",
           "2026-11-27T23:45:11+02:60",
           "2026-11-27T23:45:11ZZ",
           "2026-11-27T23:45:11Z ",
           " 2026-11-27T23:45:11Z",
           "26-11-27T23:45:11Z",
           "2026-1-27T23:45:11Z",
           "2026-11-27T23:45:1Z",
           "2026-11-27T23:45:+1Z",
           "2026-11-27T23:45:11+02",
       }) {
    EXPECT_FALSE(parse_rfc3339(s).has_value()) << s;
  }
}

TEST(UnixSeconds, FloorsTowardsNegativeInfinity) {
  EXPECT_EQ(unix_seconds(from_unix_seconds(1795823111) + 999ms), 1795823111);
  EXPECT_EQ(unix_seconds(from_unix_seconds(0) - 1ms), -1);
}

TEST(ManualClockTest, MovesOnlyWhenTold) {
  ManualClock clock(from_unix_seconds(1000));
  EXPECT_EQ(unix_seconds(clock.now()), 1000);
  clock.advance(30s);
  EXPECT_EQ(unix_seconds(clock.now()), 1030);
  clock.set(from_unix_seconds(5));
  EXPECT_EQ(unix_seconds(clock.now()), 5);
}

}  // namespace
}  // namespace twostep::core

namespace twostep::core {
namespace {

TEST(Rfc3339Range, RejectsYearsBeyondTheClockRange) {
  EXPECT_FALSE(parse_rfc3339("2999-01-01T00:00:00Z").has_value());
  EXPECT_TRUE(parse_rfc3339("2199-12-31T23:59:59Z").has_value());
}

TEST(UnixSecondsRange, ClampsInsteadOfOverflowing) {
  const auto far = from_unix_seconds(std::numeric_limits<std::int64_t>::max());
  EXPECT_GT(unix_seconds(far), 0);
}

}  // namespace
}  // namespace twostep::core
