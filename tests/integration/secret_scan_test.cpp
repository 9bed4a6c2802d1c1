// The harness's clear-secret scanner (harness/secret_scan.hpp), which every integration
// test's server goes through at its end: what it must find and what it must let pass.
#include "tests/integration/harness/secret_scan.hpp"

#include <gtest/gtest.h>

namespace twostep::testing {
namespace {

TEST(SecretScan, FindsTokensUrisAndBase32Secrets) {
  const std::string secret(32, 'J');
  const auto found = clear_secrets_in(
      "{\"msg\":\"x\",\"token\":\"tsa_0123456789abcdefghijKLMN\"}\x01\x02tsk_"
      "AAAAAAAAAAAAAAAAAAAAAA "
      "otpauth://totp/Acme:alice?secret=" +
      secret + "&issuer=Acme");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0], "tsa_0123…");
  EXPECT_EQ(found[1], "tsk_AAAA…");
  EXPECT_EQ(found[2], "otpauth:…");
  EXPECT_EQ(found[3], "JJJJJJJJ…");
}

TEST(SecretScan, LetsOrdinaryTextPass) {
  EXPECT_TRUE(clear_secrets_in("").empty());
  EXPECT_TRUE(clear_secrets_in("Bearer tsk_bogus and tsr_short").empty());
  EXPECT_TRUE(clear_secrets_in(std::string(31, 'A') + " " + std::string(33, 'B')).empty());
  EXPECT_TRUE(clear_secrets_in(std::string(32, 'a') + " 0123456789abcdef0123456789abcdef").empty());
  EXPECT_TRUE(clear_secrets_in("{\"route\":\"/v1/auth/totp\",\"status\":\"200\"}").empty());
}

}  // namespace
}  // namespace twostep::testing
