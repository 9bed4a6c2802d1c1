#include "core/secret.hpp"

#include <gtest/gtest.h>

namespace twostep::core {
namespace {

TEST(SecretBytesTest, CopiesMovesAndWipes) {
  SecretBytes a = SecretBytes::from_string("hunter2");
  EXPECT_EQ(a.unsafe_string_view(), "hunter2");
  SecretBytes b = a;
  EXPECT_EQ(b.unsafe_string_view(), "hunter2");
  SecretBytes c = std::move(a);
  EXPECT_EQ(c.unsafe_string_view(), "hunter2");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  b = SecretBytes::from_string("x");
  EXPECT_EQ(b.unsafe_string_view(), "x");
  c.wipe();
  EXPECT_TRUE(c.empty());
  b = c;
  EXPECT_TRUE(b.empty());
}

TEST(SecretBytesTest, WipeZeroesAndReleasesTheBuffer) {
  SecretBytes s(std::vector<std::uint8_t>{1, 2, 3});
  s.mutable_view()[0] = 9;
  EXPECT_EQ(s.view()[0], 9);
  s.wipe();
  EXPECT_EQ(s.size(), 0u);
}

}  // namespace
}  // namespace twostep::core
