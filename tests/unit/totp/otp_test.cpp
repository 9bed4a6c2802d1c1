#include "totp/otp.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/encoding.hpp"
#include "core/random.hpp"
#include "tests/unit/totp/run_command.hpp"

namespace twostep::totp {
namespace {

core::SecretBytes seed(std::string_view ascii) { return core::SecretBytes::from_string(ascii); }

const core::SecretBytes kSha1Seed = seed("12345678901234567890");
const core::SecretBytes kSha256Seed = seed("12345678901234567890123456789012");
const core::SecretBytes kSha512Seed =
    seed("1234567890123456789012345678901234567890123456789012345678901234");

TEST(Hotp, MatchesRfc4226Vectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    auto code = hotp_code(kSha1Seed.view(), counter, 6);
    ASSERT_TRUE(code.has_value()) << counter;
    EXPECT_EQ(*code, expected[counter]) << "counter " << counter;
  }
}

TEST(Hotp, RejectsUnsupportedDigitsAndEmptySecret) {
  EXPECT_FALSE(hotp_code(kSha1Seed.view(), 0, 7).has_value());
  EXPECT_FALSE(hotp_code(kSha1Seed.view(), 0, 10).has_value());
  EXPECT_EQ(hotp_code({}, 0, 6).error().code, "invalid_totp_params");
}

struct Rfc6238Vector {
  std::int64_t time;
  const char* sha1;
  const char* sha256;
  const char* sha512;
};

constexpr Rfc6238Vector kRfc6238[] = {
    {59, "94287082", "46119246", "90693936"},
    {1111111109, "07081804", "68084774", "25091201"},
    {1111111111, "14050471", "67062674", "99943326"},
    {1234567890, "89005924", "91819424", "93441116"},
    {2000000000, "69279037", "90698825", "38618901"},
    {20000000000, "65353130", "77737706", "47863826"},
};

struct AlgorithmCase {
  Algorithm algorithm;
  const core::SecretBytes* secret;
  const char* Rfc6238Vector::*expected;
};

const AlgorithmCase kAlgorithms[] = {
    {Algorithm::kSha1, &kSha1Seed, &Rfc6238Vector::sha1},
    {Algorithm::kSha256, &kSha256Seed, &Rfc6238Vector::sha256},
    {Algorithm::kSha512, &kSha512Seed, &Rfc6238Vector::sha512},
};

TEST(Totp, MatchesRfc6238AppendixBForEveryAlgorithm) {
  for (const auto& a : kAlgorithms) {
    const Params params{a.algorithm, 8, 30};
    for (const auto& v : kRfc6238) {
      auto code = totp_code(a.secret->view(), params, v.time);
      ASSERT_TRUE(code.has_value());
      EXPECT_EQ(*code, v.*a.expected) << algorithm_name(a.algorithm) << " at " << v.time;
    }
  }
}

TEST(Totp, SixDigitCodesAreTheLastSixOfTheEightDigitOnes) {
  // Both are the same 31-bit value modulo 10^d, so the 6-digit code is the 8-digit code's
  // tail.
  for (const auto& a : kAlgorithms) {
    const Params params{a.algorithm, 6, 30};
    for (const auto& v : kRfc6238) {
      auto code = totp_code(a.secret->view(), params, v.time);
      ASSERT_TRUE(code.has_value());
      EXPECT_EQ(*code, std::string(v.*a.expected).substr(2)) << v.time;
    }
  }
}

TEST(Totp, VerifiesRfc6238VectorsAtTheirOwnStep) {
  for (const auto& a : kAlgorithms) {
    const Params params{a.algorithm, 8, 30};
    for (const auto& v : kRfc6238) {
      auto step = verify_totp(a.secret->view(), params, v.*a.expected, v.time, 0);
      ASSERT_TRUE(step.has_value()) << v.time;
      EXPECT_EQ(*step, v.time / 30);
    }
  }
}

TEST(TotpVerify, AcceptsCodesInsideTheWindowAndRejectsBeyond) {
  const Params params;
  const std::int64_t now = 1'700'000'015;
  const std::int64_t current = time_step(now, params.period);
  for (int window : {0, 1, 2}) {
    for (int offset = -window - 2; offset <= window + 2; ++offset) {
      auto code = totp_code_at_step(kSha1Seed.view(), params, current + offset);
      ASSERT_TRUE(code.has_value());
      auto step = verify_totp(kSha1Seed.view(), params, *code, now, window);
      if (offset >= -window && offset <= window) {
        ASSERT_TRUE(step.has_value()) << "window " << window << " offset " << offset;
        EXPECT_EQ(*step, current + offset);
      } else {
        EXPECT_FALSE(step.has_value()) << "window " << window << " offset " << offset;
      }
    }
  }
}

TEST(TotpVerify, WindowEdgesFollowTheClockAcrossAStepBoundary) {
  const Params params;
  auto code = totp_code(kSha1Seed.view(), params, 1'700'000'009);  // step ends at ...010
  ASSERT_TRUE(code.has_value());
  EXPECT_TRUE(verify_totp(kSha1Seed.view(), params, *code, 1'700'000'009, 0));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, *code, 1'700'000'010, 0));
  EXPECT_TRUE(verify_totp(kSha1Seed.view(), params, *code, 1'700'000'039, 1));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, *code, 1'700'000'040, 1));
  EXPECT_TRUE(verify_totp(kSha1Seed.view(), params, *code, 1'699'999'950, 1));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, *code, 1'699'999'949, 1));
}

TEST(TotpVerify, WindowIsClampedToTheMaximum) {
  const Params params;
  const std::int64_t now = 1'700'000'000;
  const std::int64_t current = time_step(now, params.period);
  auto far = totp_code_at_step(kSha1Seed.view(), params, current + kMaxWindowSteps + 1);
  auto edge = totp_code_at_step(kSha1Seed.view(), params, current + kMaxWindowSteps);
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, *far, now, 1000));
  EXPECT_TRUE(verify_totp(kSha1Seed.view(), params, *edge, now, 1000));
}

TEST(TotpVerify, RejectsMalformedCodes) {
  const Params params;
  const std::int64_t now = 1'700'000'000;
  auto code = totp_code(kSha1Seed.view(), params, now);
  ASSERT_TRUE(code.has_value());
  EXPECT_TRUE(verify_totp(kSha1Seed.view(), params, *code, now, 1));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, *code + "0", now, 1));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, code->substr(1), now, 1));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, " " + code->substr(1), now, 1));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, "", now, 1));
  EXPECT_FALSE(verify_totp(kSha1Seed.view(), params, "abcdef", now, 1));
}

TEST(TotpVerify, WrongSecretDoesNotVerify) {
  const Params params;
  auto code = totp_code(kSha1Seed.view(), params, 1'700'000'000);
  const core::SecretBytes other = seed("12345678901234567891");
  EXPECT_FALSE(verify_totp(other.view(), params, *code, 1'700'000'000, 1));
}

TEST(TotpParams, ValidatesDigitsAndPeriod) {
  EXPECT_TRUE(validate_params({}).has_value());
  EXPECT_TRUE(validate_params({Algorithm::kSha512, 8, 60}).has_value());
  EXPECT_FALSE(validate_params({Algorithm::kSha1, 7, 30}).has_value());
  EXPECT_FALSE(validate_params({Algorithm::kSha1, 6, 0}).has_value());
  EXPECT_FALSE(validate_params({Algorithm::kSha1, 6, 121}).has_value());
  EXPECT_EQ(validate_params({Algorithm::kSha1, 9, 30}).error().code, "invalid_totp_params");
}

TEST(TotpParams, AlgorithmNamesRoundTrip) {
  for (Algorithm a : {Algorithm::kSha1, Algorithm::kSha256, Algorithm::kSha512}) {
    EXPECT_EQ(parse_algorithm(algorithm_name(a)), a);
  }
  EXPECT_EQ(parse_algorithm("sha256"), Algorithm::kSha256);
  EXPECT_FALSE(parse_algorithm("MD5").has_value());
  EXPECT_FALSE(parse_algorithm("").has_value());
}

TEST(TotpSecret, SizeFollowsTheAlgorithm) {
  core::SeededRandom random(7);
  EXPECT_EQ(new_secret(random, Algorithm::kSha1).size(), 20u);
  EXPECT_EQ(new_secret(random, Algorithm::kSha256).size(), 32u);
  EXPECT_EQ(new_secret(random, Algorithm::kSha512).size(), 64u);
  auto a = new_secret(random, Algorithm::kSha1);
  auto b = new_secret(random, Algorithm::kSha1);
  EXPECT_FALSE(std::equal(a.view().begin(), a.view().end(), b.view().begin()));
}

TEST(TotpTimeStep, FloorsTowardsMinusInfinity) {
  EXPECT_EQ(time_step(0, 30), 0);
  EXPECT_EQ(time_step(29, 30), 0);
  EXPECT_EQ(time_step(30, 30), 1);
  EXPECT_EQ(time_step(-1, 30), -1);
  EXPECT_EQ(time_step(-30, 30), -1);
  EXPECT_EQ(time_step(-31, 30), -2);
}

// oathtool (oath-toolkit's command-line program) computes the code independently of our
// wrapper; our verifier must accept it, for each algorithm and both code lengths.
TEST(TotpInterop, AcceptsCodesComputedByOathtool) {
  core::SystemRandom random;
  const std::int64_t now = 1'764'287'111;  // any time; oathtool is told it with -N
  for (Algorithm algorithm : {Algorithm::kSha1, Algorithm::kSha256, Algorithm::kSha512}) {
    for (int digits : {6, 8}) {
      const Params params{algorithm, digits, 30};
      const core::SecretBytes secret = new_secret(random, algorithm);
      auto result =
          testing::run_command({"oathtool", "--totp=" + std::string(algorithm_name(algorithm)),
                                "-b", "--digits=" + std::to_string(digits), "-N",
                                "@" + std::to_string(now), core::base32_encode(secret.view())});
      ASSERT_EQ(result.exit_code, 0) << "oathtool failed";
      const std::string code = testing::trim_newlines(result.out);
      ASSERT_EQ(code.size(), static_cast<std::size_t>(digits));
      auto step = verify_totp(secret.view(), params, code, now, 1);
      ASSERT_TRUE(step.has_value()) << algorithm_name(algorithm) << "/" << digits;
      EXPECT_EQ(*step, time_step(now, 30));
    }
  }
}

}  // namespace
}  // namespace twostep::totp
