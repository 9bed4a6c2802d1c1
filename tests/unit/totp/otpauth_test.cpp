#include "totp/otpauth.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "core/encoding.hpp"
#include "core/random.hpp"
#include "tests/unit/totp/run_command.hpp"

namespace twostep::totp {
namespace {

bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

const core::SecretBytes kSecret = core::SecretBytes::from_string("12345678901234567890");

TEST(OtpauthBuild, FollowsTheKeyUriFormat) {
  EXPECT_EQ(build_otpauth_uri("Acme", "alice", kSecret.view(), {}),
            "otpauth://totp/Acme:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(build_otpauth_uri("Acme Corp", "zoë:ops", kSecret.view(), {Algorithm::kSha512, 8, 60}),
            "otpauth://totp/Acme%20Corp:zo%C3%AB%3Aops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Acme%20Corp&algorithm=SHA512&digits=8&period=60");
  EXPECT_EQ(build_otpauth_uri("", "bob", kSecret.view(), {}),
            "otpauth://totp/bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpauthParse, RoundTripsAwkwardNames) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"twostep", "alice"},   {"Acme Corp", "Zoë Müller"}, {"Acme: the company", "ops:admin"},
      {"Ünïcødé", "用户 名"}, {"a&b=c?d#e", "x/y+z%25"},   {"", "no issuer:colon"},
  };
  for (const auto& [issuer, account] : cases) {
    for (Params params : {Params{}, Params{Algorithm::kSha256, 8, 60}}) {
      const std::string uri = build_otpauth_uri(issuer, account, kSecret.view(), params);
      auto key = parse_otpauth_uri(uri);
      ASSERT_TRUE(key.has_value()) << uri << ": " << key.error().message;
      EXPECT_EQ(key->issuer, issuer) << uri;
      EXPECT_EQ(key->account, account) << uri;
      EXPECT_EQ(key->params, params) << uri;
      EXPECT_TRUE(same_bytes(key->secret.view(), kSecret.view()));
    }
  }
}

TEST(OtpauthParse, ReadsOtherProducersForms) {
  auto encoded_colon = parse_otpauth_uri(
      "otpauth://totp/ACME%20Co%3Ajohn.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"
      "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30");
  ASSERT_TRUE(encoded_colon.has_value());
  EXPECT_EQ(encoded_colon->issuer, "ACME Co");
  EXPECT_EQ(encoded_colon->account, "john.doe@email.com");

  auto minimal = parse_otpauth_uri("OTPAUTH://TOTP/alice@example.com?secret=jbswy3dpehpk3pxp");
  ASSERT_TRUE(minimal.has_value());
  EXPECT_EQ(minimal->issuer, "");
  EXPECT_EQ(minimal->account, "alice@example.com");
  EXPECT_EQ(minimal->params, Params{});
  EXPECT_EQ(core::base32_encode(minimal->secret.view()), "JBSWY3DPEHPK3PXP");

  auto prefix_only = parse_otpauth_uri(
      "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"
      "&image=https%3A%2F%2Fexample.com%2Fa.png#frag");
  ASSERT_TRUE(prefix_only.has_value());
  EXPECT_EQ(prefix_only->issuer, "Example");
}

TEST(OtpauthParse, RejectsMalformedUris) {
  const char* bad[] = {
      "",
      "http://totp/a?secret=JBSWY3DPEHPK3PXP",
      "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=0",
      "otpauth://totp/a",
      "otpauth://totp/a?issuer=x",
      "otpauth://totp/a?secret=",
      "otpauth://totp/a?secret=JBSWY3DPEHPK3PX1",
      "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
      "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=7",
      "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=six",
      "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
      "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=30s",
      "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXP",
      "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&issuer=B",
      "otpauth://totp/a%?secret=JBSWY3DPEHPK3PXP",
      "otpauth://totp/a%FF?secret=JBSWY3DPEHPK3PXP",
  };
  for (const char* uri : bad) {
    auto key = parse_otpauth_uri(uri);
    ASSERT_FALSE(key.has_value()) << uri;
    EXPECT_EQ(key.error().code, "invalid_otpauth_uri") << uri;
  }
}

// pyotp (Debian's python3-pyotp) is an independent parser; it must read our URI into the
// same secret, issuer, account and parameters, and compute the same code. pyotp unquotes
// the whole URI before parsing, so this case avoids '&', '?', '#', '+' and an issuer with
// ':' — characters that our own parser round-trips above.
TEST(OtpauthInterop, PyotpParsesOurUri) {
  core::SystemRandom random;
  const std::string issuer = "Acme Corp";
  const std::string account = "Zoë Müller:ops";
  for (Params params :
       {Params{}, Params{Algorithm::kSha256, 8, 60}, Params{Algorithm::kSha512, 6, 30}}) {
    const core::SecretBytes secret = new_secret(random, params.algorithm);
    const std::string uri = build_otpauth_uri(issuer, account, secret.view(), params);
    const std::int64_t at = 1'700'000'000;
    auto result = testing::run_command(
        {"/usr/bin/python3", "-c",
         "import sys, pyotp\n"
         "t = pyotp.parse_uri(sys.argv[1])\n"
         "lines = [t.secret, t.issuer, t.name, str(t.digits), str(t.interval),\n"
         "         t.digest().name.upper(), t.at(int(sys.argv[2]))]\n"
         "sys.stdout.buffer.write('\\n'.join(lines).encode('utf-8'))\n",
         uri, std::to_string(at)});
    ASSERT_EQ(result.exit_code, 0) << uri;
    std::istringstream lines(result.out);
    std::vector<std::string> got;
    for (std::string line; std::getline(lines, line);) got.push_back(line);
    ASSERT_EQ(got.size(), 7u) << result.out;
    EXPECT_EQ(got[0], core::base32_encode(secret.view()));
    EXPECT_EQ(got[1], issuer);
    EXPECT_EQ(got[2], account);
    EXPECT_EQ(got[3], std::to_string(params.digits));
    EXPECT_EQ(got[4], std::to_string(params.period));
    EXPECT_EQ(got[5], algorithm_name(params.algorithm));
    EXPECT_EQ(got[6], *totp_code(secret.view(), params, at));
  }
}

}  // namespace
}  // namespace twostep::totp
