#include "account/text.hpp"

#include <gtest/gtest.h>

namespace twostep::account {
namespace {

TEST(Utf8, AcceptsValidAndRefusesMalformed) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("Zoë 日本 🎉"));
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abc\xe6\x97"));       // truncated
  EXPECT_EQ(utf8_length("Zoë 🎉"), 5u);
}

TEST(CheckName, EnforcesLengthInCharacters) {
  EXPECT_TRUE(check_name("a", "name", 1, 3));
  EXPECT_TRUE(check_name("äöü", "name", 1, 3));
  auto r = check_name("abcd", "name", 1, 3);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_name");
  EXPECT_EQ(r.error().field, "name");
  EXPECT_NE(r.error().message.find("1 to 3"), std::string::npos);
  EXPECT_FALSE(check_name("", "name", 1, 3));
}

TEST(CheckName, RefusesControlCharactersAndBlankNames) {
  EXPECT_FALSE(check_name("line\nbreak", "display_name", 1, 128));
  EXPECT_FALSE(check_name("tab\there", "display_name", 1, 128));
  EXPECT_FALSE(check_name("\xc2\x85", "display_name", 1, 128));  // NEL
  EXPECT_FALSE(check_name("   ", "display_name", 1, 128));
  EXPECT_TRUE(check_name("Ada Lovelace", "display_name", 1, 128));
}

TEST(LowerAscii, LowersOnlyAsciiLetters) { EXPECT_EQ(lower_ascii("AbC.É"), "abc.É"); }

}  // namespace
}  // namespace twostep::account
