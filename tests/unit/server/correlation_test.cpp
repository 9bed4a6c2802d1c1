#include "server/correlation.hpp"

#include <gtest/gtest.h>

namespace twostep::server {
namespace {

TEST(CorrelationId, AcceptsSaneIds) {
  core::SeededRandom random(1);
  EXPECT_EQ(correlation_id_for("req-1.A_b", random), "req-1.A_b");
  EXPECT_EQ(correlation_id_for(std::string(64, 'x'), random), std::string(64, 'x'));
}

TEST(CorrelationId, ReplacesMissingOrUnsafeIds) {
  core::SeededRandom random(1);
  for (std::string_view bad : {"", "has space", "semi;colon", "quote\"", "line\nbreak", "ü"}) {
    std::string id = correlation_id_for(bad, random);
    EXPECT_NE(id, bad);
    EXPECT_EQ(id.size(), 16u);
    EXPECT_TRUE(is_sane_correlation_id(id)) << id;
  }
  EXPECT_FALSE(is_sane_correlation_id(std::string(65, 'x')));
}

TEST(CorrelationId, NewIdsDiffer) {
  core::SeededRandom random(7);
  EXPECT_NE(correlation_id_for("", random), correlation_id_for("", random));
}

}  // namespace
}  // namespace twostep::server
