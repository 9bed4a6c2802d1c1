#include "client/args.hpp"

#include <array>

#include <gtest/gtest.h>

namespace twostep::client {
namespace {

constexpr std::array kSpecs{FlagSpec{"state", true}, FlagSpec{"deny", false}};

core::Result<Args> parse(std::initializer_list<std::string_view> words) {
  const std::vector<std::string_view> args(words);
  return Args::parse(args, kSpecs);
}

TEST(Args, ReadsValuesAndSwitches) {
  auto args = parse({"--state", "a.json", "--deny"});
  ASSERT_TRUE(args.has_value());
  EXPECT_EQ(args->value("state"), "a.json");
  EXPECT_TRUE(args->has("deny"));
  auto inline_value = parse({"--state=b.json"});
  ASSERT_TRUE(inline_value.has_value());
  EXPECT_EQ(inline_value->value("state"), "b.json");
  EXPECT_FALSE(inline_value->has("deny"));
}

TEST(Args, RejectsUnknownRepeatedMissingAndStrayWords) {
  for (auto words : {std::initializer_list<std::string_view>{"--nope"},
                     std::initializer_list<std::string_view>{"--state", "a", "--state", "b"},
                     std::initializer_list<std::string_view>{"--state"},
                     std::initializer_list<std::string_view>{"stray"},
                     std::initializer_list<std::string_view>{"--deny=1"},
                     std::initializer_list<std::string_view>{"--"}}) {
    EXPECT_FALSE(parse(words).has_value()) << *words.begin();
  }
}

}  // namespace
}  // namespace twostep::client
