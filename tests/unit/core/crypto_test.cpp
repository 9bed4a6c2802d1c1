#include "core/crypto.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace twostep::core {
namespace {

TEST(Sha256, MatchesKnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_encode(sha256("abc")), sha256_hex("abc"));
}

TEST(HmacSha256, MatchesRfc4231Vectors) {
  const Bytes key1(20, 0x0b);
  EXPECT_EQ(hex_encode(hmac_sha256(key1, as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_encode(hmac_sha256(as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("", "a"));
}

class SealerTest : public ::testing::Test {
 protected:
  SeededRandom random_{42};
  Sealer sealer_{random_.bytes(Sealer::kKeySize), random_};
  const std::string_view aad_ = "device:dev_1:totp";
  const std::string_view secret_ = "twenty byte secret!!";

  void expect_invalid(const Result<SecretBytes>& r) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, ErrorKind::kInternal);
    EXPECT_EQ(r.error().code, "sealed_secret_invalid");
  }
};

TEST_F(SealerTest, RoundTrips) {
  const Bytes blob = sealer_.seal(as_bytes(secret_), aad_);
  EXPECT_EQ(blob.size(), 1 + 12 + secret_.size() + 16);
  EXPECT_EQ(blob[0], 0x01);
  const auto opened = sealer_.open(blob, aad_);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->unsafe_string_view(), secret_);
}

TEST_F(SealerTest, RoundTripsEmptyPlaintextAndEmptyAad) {
  const Bytes blob = sealer_.seal({}, "");
  const auto opened = sealer_.open(blob, "");
  ASSERT_TRUE(opened.has_value());
  EXPECT_TRUE(opened->empty());
}

TEST_F(SealerTest, UsesAFreshNonceEachTime) {
  EXPECT_NE(sealer_.seal(as_bytes(secret_), aad_), sealer_.seal(as_bytes(secret_), aad_));
}

TEST_F(SealerTest, DetectsAFlippedByteAnywhere) {
  const Bytes blob = sealer_.seal(as_bytes(secret_), aad_);
  // Nonce, first and last ciphertext byte, tag.
  for (std::size_t i : {std::size_t{1}, std::size_t{12}, std::size_t{13}, 12 + secret_.size(),
                        blob.size() - 16, blob.size() - 1}) {
    Bytes tampered = blob;
    tampered[i] ^= 0x01;
    expect_invalid(sealer_.open(tampered, aad_));
  }
}

TEST_F(SealerTest, RejectsWrongAadKeyVersionAndTruncation) {
  const Bytes blob = sealer_.seal(as_bytes(secret_), aad_);
  expect_invalid(sealer_.open(blob, "device:dev_2:totp"));
  expect_invalid(sealer_.open(blob, ""));

  Sealer other(random_.bytes(Sealer::kKeySize), random_);
  expect_invalid(other.open(blob, aad_));

  Bytes wrong_version = blob;
  wrong_version[0] = 0x02;
  expect_invalid(sealer_.open(wrong_version, aad_));

  expect_invalid(sealer_.open(std::span(blob).first(blob.size() - 1), aad_));
  expect_invalid(sealer_.open(std::span(blob).first(1 + 12 + 15), aad_));
  expect_invalid(sealer_.open(Bytes{}, aad_));
}

TEST(SealerKey, MustBe32Bytes) {
  SeededRandom random(1);
  EXPECT_THROW(Sealer(random.bytes(16), random), std::invalid_argument);
}

// Keys and signatures made with OpenSSL directly, independent of the code under test.
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey generate(const char* type, const char* curve) {
  return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve));
}

Bytes spki_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Bytes sign(EVP_PKEY* key, std::string_view message) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t len = 0;
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &len, msg, message.size()), 1);
  Bytes sig(len);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), sig.data(), &len, msg, message.size()), 1);
  sig.resize(len);
  return sig;
}

TEST(P256, VerifiesAGoodSignatureOnly) {
  const Pkey key = generate("EC", "P-256");
  ASSERT_TRUE(key);
  const auto parsed = parse_p256_public_key(spki_of(key.get()));
  ASSERT_TRUE(parsed.has_value());
  const Bytes sig = sign(key.get(), "challenge-123");
  EXPECT_TRUE(verify_p256(*parsed, "challenge-123", sig));
  EXPECT_FALSE(verify_p256(*parsed, "challenge-124", sig));

  Bytes bad_sig = sig;
  bad_sig[bad_sig.size() - 1] ^= 0x01;
  EXPECT_FALSE(verify_p256(*parsed, "challenge-123", bad_sig));
  EXPECT_FALSE(verify_p256(*parsed, "challenge-123", Bytes{}));
  EXPECT_FALSE(verify_p256(*parsed, "challenge-123", Bytes{0x30, 0x00}));

  const Pkey other = generate("EC", "P-256");
  const auto other_parsed = parse_p256_public_key(spki_of(other.get()));
  ASSERT_TRUE(other_parsed.has_value());
  EXPECT_FALSE(verify_p256(*other_parsed, "challenge-123", sig));
}

// The same key with its point compressed (0x02/0x03 || X) takes the generic decoder's path.
Bytes compressed_spki_of(EVP_PKEY* key) {
  EXPECT_EQ(EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                           OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED),
            1);
  return spki_of(key);
}

TEST(P256, AcceptsACompressedPointToo) {
  const Pkey key = generate("EC", "P-256");
  ASSERT_TRUE(key);
  const Bytes uncompressed = spki_of(key.get());
  const Bytes compressed = compressed_spki_of(key.get());
  ASSERT_EQ(uncompressed.size(), 91u);
  ASSERT_EQ(compressed.size(), 59u);
  const Bytes sig = sign(key.get(), "challenge-9");
  for (const Bytes& der : {uncompressed, compressed}) {
    const auto parsed = parse_p256_public_key(der);
    ASSERT_TRUE(parsed.has_value()) << der.size();
    EXPECT_TRUE(verify_p256(*parsed, "challenge-9", sig));
  }
}

void expect_rejected(const Bytes& der) {
  const auto r = parse_p256_public_key(der);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "invalid_public_key");
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
}

TEST(P256, RejectsOtherKeysAndGarbage) {
  const Pkey rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  ASSERT_TRUE(rsa);
  expect_rejected(spki_of(rsa.get()));
  const Pkey k1 = generate("EC", "secp256k1");
  ASSERT_TRUE(k1);
  expect_rejected(spki_of(k1.get()));
  const Pkey p384 = generate("EC", "P-384");
  ASSERT_TRUE(p384);
  expect_rejected(spki_of(p384.get()));

  const Pkey good = generate("EC", "P-256");
  const Bytes der = spki_of(good.get());
  expect_rejected(Bytes(der.begin(), der.end() - 1));  // truncated
  Bytes trailing = der;
  trailing.push_back(0x00);
  expect_rejected(trailing);
  Bytes off_curve = der;
  off_curve.back() ^= 0x01;  // the y coordinate no longer matches x
  expect_rejected(off_curve);
  Bytes not_uncompressed = der;
  not_uncompressed[26] = 0x05;  // neither an uncompressed nor a hybrid point
  expect_rejected(not_uncompressed);
  Bytes other_curve = der;
  other_curve[24 - 2] ^= 0x01;  // the curve OID's last byte: no longer prime256v1
  expect_rejected(other_curve);
  expect_rejected(Bytes{});
  expect_rejected(Bytes{0x30, 0x03, 0x02, 0x01, 0x00});

  // A struct filled with garbage never verifies.
  EXPECT_FALSE(verify_p256(P256PublicKey{Bytes{1, 2, 3}}, "m", Bytes{0x30, 0x00}));
}

}  // namespace
}  // namespace twostep::core
