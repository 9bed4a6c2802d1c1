#include "account/common_passwords.hpp"

#include <gtest/gtest.h>

namespace twostep::account {
namespace {

TEST(CommonPasswords, ListedPasswordsAreRefusedInAnyCase) {
  for (const char* p : {"123456789012", "1q2w3e4r5t6y", "QWERTY123456", "administrator",
                        "PasswordPassword", "correcthorsebatterystaple"}) {
    EXPECT_TRUE(is_common_password(p)) << p;
  }
}

TEST(CommonPasswords, CommonWordsDressedWithDigitsAndSymbolsAreRefused) {
  for (const char* p : {"Password2024!", "P@ssw0rd1234", "Summer2025!!!", "!!Welcome12345",
                        "LetMeIn123456", "Dragon#123456"}) {
    EXPECT_TRUE(is_common_password(p)) << p;
  }
}

TEST(CommonPasswords, RunsAndRepetitionsAreRefused) {
  for (const char* p : {"abcdefghijklm", "zyxwvutsrqpo", "qwertyuiopasd", "aaaaaaaaaaaa",
                        "abcabcabcabc", "9876543210987"}) {
    EXPECT_TRUE(is_common_password(p)) << p;
  }
}

TEST(CommonPasswords, UnusualPasswordsPass) {
  for (const char* p :
       {"violet kettle orbit 42", "Tz8#qLm2!vRx", "mauve-otter-drifts-north", "839271650493"}) {
    EXPECT_FALSE(is_common_password(p)) << p;
  }
}

TEST(CheckNewPassword, AppliesLengthThenListThenUsername) {
  auto short_one = check_new_password("Tz8#qLm2", "alice");
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().code, "weak_password");
  auto common = check_new_password("Password2024!", "alice");
  ASSERT_FALSE(common);
  EXPECT_EQ(common.error().code, "weak_password");
  auto with_name = check_new_password("xx-AliceSmith-77", "alice");
  ASSERT_FALSE(with_name);
  EXPECT_EQ(with_name.error().field, "password");
  EXPECT_TRUE(check_new_password("violet kettle orbit 42", "alice"));
}

}  // namespace
}  // namespace twostep::account
