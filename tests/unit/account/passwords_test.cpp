#include "account/passwords.hpp"

#include <argon2.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "core/random.hpp"

namespace twostep::account {
namespace {

TEST(PasswordPolicy, RefusesShorterThanTwelveCharacters) {
  auto r = check_password_policy("elevenchars");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "weak_password");
  EXPECT_EQ(r.error().field, "password");
  EXPECT_TRUE(check_password_policy("twelve chars"));
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  // Eleven two-byte characters: 22 bytes, still too short.
  EXPECT_FALSE(check_password_policy("ééééééééééé"));
  EXPECT_TRUE(check_password_policy("éééééééééééé"));
}

TEST(PasswordPolicy, RefusesInvalidUtf8AndHugeInput) {
  EXPECT_EQ(check_password_policy("abcdefghijkl\xff").error().code, "invalid_password");
  EXPECT_EQ(check_password_policy(std::string(1025, 'a')).error().code, "invalid_password");
  EXPECT_TRUE(check_password_policy(std::string(1024, 'a')));
}

TEST(PasswordHash, UsesArgon2idAtOwaspParameters) {
  core::SeededRandom random(1);
  std::string encoded = hash_password("correct horse battery", random);
  EXPECT_TRUE(encoded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << encoded;
  EXPECT_FALSE(password_needs_rehash(encoded));
  EXPECT_TRUE(verify_password(encoded, "correct horse battery"));
  EXPECT_FALSE(verify_password(encoded, "correct horse batterY"));
  EXPECT_FALSE(verify_password(encoded, ""));
}

TEST(PasswordHash, SaltsEveryHash) {
  core::SeededRandom random(2);
  EXPECT_NE(hash_password("same password!", random), hash_password("same password!", random));
}

TEST(PasswordHash, ReferenceLibraryVerifiesOurEncoding) {
  core::SeededRandom random(3);
  std::string pw = "interoperable password";
  std::string encoded = hash_password(pw, random);
  EXPECT_EQ(argon2id_verify(encoded.c_str(), pw.data(), pw.size()), ARGON2_OK);
}

TEST(PasswordHash, VerifiesReferenceLibraryEncoding) {
  std::string pw = "made elsewhere, checked here";
  std::array<std::uint8_t, 16> salt{};
  salt.fill(7);
  std::array<char, 128> encoded{};
  ASSERT_EQ(argon2id_hash_encoded(2, 19456, 1, pw.data(), pw.size(), salt.data(), salt.size(), 32,
                                  encoded.data(), encoded.size()),
            ARGON2_OK);
  EXPECT_TRUE(verify_password(encoded.data(), pw));
  EXPECT_FALSE(verify_password(encoded.data(), pw + "x"));
}

TEST(PasswordHash, OtherParametersVerifyButNeedRehash) {
  core::SeededRandom random(4);
  Argon2Params cheap{1024, 1, 1};
  std::string encoded = hash_password("an older password", random, cheap);
  EXPECT_TRUE(verify_password(encoded, "an older password"));
  EXPECT_TRUE(password_needs_rehash(encoded));
  EXPECT_FALSE(password_needs_rehash(encoded, cheap));
}

TEST(PasswordHash, MalformedEncodingNeverVerifies) {
  core::SeededRandom random(5);
  std::string good = hash_password("twelve chars", random, {1024, 1, 1});
  for (std::string bad : {std::string(""), std::string("$argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA"),
                          std::string("$argon2id$v=16$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"),
                          std::string("$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA"),
                          good.substr(0, good.size() - 1) + "!", good + "$extra"}) {
    EXPECT_FALSE(verify_password(bad, "twelve chars")) << bad;
    EXPECT_TRUE(password_needs_rehash(bad)) << bad;
  }
}

}  // namespace
}  // namespace twostep::account
