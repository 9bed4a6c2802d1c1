#include "client/device_key.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "core/encoding.hpp"

namespace twostep::client {
namespace {

core::P256PublicKey public_key_of(const DeviceKey& key) {
  auto parsed = core::parse_p256_public_key(key.public_key_der());
  EXPECT_TRUE(parsed.has_value());
  return parsed.value_or(core::P256PublicKey{});
}

std::string pem_of_curve(const char* curve) {
  EVP_PKEY* key = EVP_EC_gen(curve);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

TEST(DeviceKey, SignatureVerifiesWithCoreVerifier) {
  auto key = DeviceKey::generate();
  ASSERT_TRUE(key.has_value());
  const auto signature = key->sign("twostep-ws-auth:dev_1:nonce");
  ASSERT_TRUE(signature.has_value());
  const auto public_key = public_key_of(*key);
  EXPECT_TRUE(core::verify_p256(public_key, "twostep-ws-auth:dev_1:nonce", *signature));
  EXPECT_FALSE(core::verify_p256(public_key, "twostep-ws-auth:dev_1:nonce2", *signature));
}

TEST(DeviceKey, Base64UrlSignatureDecodesToAValidDerSignature) {
  auto key = DeviceKey::generate();
  ASSERT_TRUE(key.has_value());
  const auto text = key->sign_base64url("twostep-push:tx:approve:42");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->find_first_of("+/="), std::string::npos);
  const auto der = core::base64url_decode(*text);
  ASSERT_TRUE(der.has_value());
  EXPECT_TRUE(core::verify_p256(public_key_of(*key), "twostep-push:tx:approve:42", *der));
}

TEST(DeviceKey, PublicKeyIsBase64UrlOfSpki) {
  auto key = DeviceKey::generate();
  ASSERT_TRUE(key.has_value());
  const auto decoded = core::base64url_decode(key->public_key_base64url());
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, key->public_key_der());
  EXPECT_EQ(decoded->size(), 91u);  // DER SPKI of an uncompressed P-256 point
}

TEST(DeviceKey, PemRoundTripKeepsTheKey) {
  auto key = DeviceKey::generate();
  ASSERT_TRUE(key.has_value());
  const core::SecretBytes pem = key->private_key_pem();
  EXPECT_TRUE(pem.unsafe_string_view().starts_with("-----BEGIN PRIVATE KEY-----"));
  auto reloaded = DeviceKey::from_pem(pem.unsafe_string_view());
  ASSERT_TRUE(reloaded.has_value());
  EXPECT_EQ(reloaded->public_key_der(), key->public_key_der());
  const auto signature = reloaded->sign("message");
  ASSERT_TRUE(signature.has_value());
  EXPECT_TRUE(core::verify_p256(public_key_of(*key), "message", *signature));
}

TEST(DeviceKey, TwoKeysDiffer) {
  auto a = DeviceKey::generate();
  auto b = DeviceKey::generate();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->public_key_der(), b->public_key_der());
}

TEST(DeviceKey, RejectsOtherCurvesAndGarbage) {
  auto p384 = DeviceKey::from_pem(pem_of_curve("P-384"));
  ASSERT_FALSE(p384.has_value());
  EXPECT_EQ(p384.error().code, "invalid_device_key");
  auto garbage =
      DeviceKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, "invalid_device_key");
  EXPECT_FALSE(DeviceKey::from_pem("").has_value());
}

}  // namespace
}  // namespace twostep::client
