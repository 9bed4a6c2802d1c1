#include "server/url.hpp"

#include <gtest/gtest.h>

namespace twostep::server {
namespace {

TEST(PercentDecode, DecodesEscapesAndKeepsPlusInPaths) {
  EXPECT_EQ(percent_decode("a%20b%2Fc+d").value(), "a b/c+d");
  EXPECT_EQ(percent_decode("a+b", true).value(), "a b");
  EXPECT_EQ(percent_decode("%E6%97%A5").value(), "日");
}

TEST(PercentDecode, RefusesMalformedEscapesAndNul) {
  for (std::string_view bad : {"%", "%4", "%G0", "a%0", "%00", "x%zz"}) {
    EXPECT_FALSE(percent_decode(bad).has_value()) << bad;
  }
}

TEST(ParseQuery, SplitsAndDecodesPairs) {
  auto q = parse_query("q=al%20ice&limit=5&flag&empty=&q=second").value();
  EXPECT_EQ(q.at("q"), "al ice");
  EXPECT_EQ(q.at("limit"), "5");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(q.at("empty"), "");
  EXPECT_TRUE(parse_query("").value().empty());
  EXPECT_TRUE(parse_query("&&").value().empty());
}

TEST(ParseQuery, RefusesMalformedPairs) {
  EXPECT_FALSE(parse_query("a=%zz").has_value());
  EXPECT_FALSE(parse_query("=value").has_value());
}

}  // namespace
}  // namespace twostep::server
