// A real SQLite store in a temp dir (opened through open_store like the server does), a
// manual clock, a sealer, and helpers to add users, make P-256 keys and compute codes: what
// every test of the activation domain starts from.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "activation/activate.hpp"
#include "activation/activation_codes.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/encoding.hpp"
#include "core/random.hpp"
#include "store/store.hpp"
#include "tests/unit/core/temp_dir.hpp"
#include "totp/otp.hpp"

namespace twostep::activation {

/// A fresh P-256 key's public half: base64url DER SubjectPublicKeyInfo.
inline std::string new_p256_public_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  std::string out =
      core::base64url_encode(std::span<const std::uint8_t>(der, static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return out;
}

class ActivationTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kStart = 1'700'000'000;
  static constexpr const char* kActivateUrl = "https://mfa.example.com/v1/activate";

  ActivationTest()
      : store_(store::open_store("sqlite:" + (dir_ / "twostep.db").string())),
        sealer_(random_.bytes(core::Sealer::kKeySize), random_) {}

  std::int64_t now() const { return core::unix_seconds(clock_.now()); }

  /// Inserts a user row directly (the account module is not under test here).
  std::string add_user(const std::string& username, const std::string& status = "active") {
    const std::string id = "usr_" + username;
    store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      tx.exec(
          "INSERT INTO users (id, username, username_key, display_name, status, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          {id, username, username, username + " display", status, now(), now()});
      return true;
    });
    return id;
  }

  core::Result<NewActivation> create(const std::string& user,
                                     std::optional<std::string> replace = std::nullopt) {
    return store_->write([&](store::Tx& tx) {
      return create_activation(tx, clock_, random_, sealer_, who_,
                               {user, std::move(replace), kMaxActivationLifetime, kActivateUrl});
    });
  }

  core::Result<ActivatedDevice> activate(const std::string& code,
                                         const std::string& key = new_p256_public_key()) {
    return store_->write([&](store::Tx& tx) {
      return activate_device(tx, clock_, random_, sealer_, device_who_,
                             {code, "Alice's phone", "android", "1.0.0", key});
    });
  }

  /// A user with one activated device.
  ActivatedDevice enrolled_device(const std::string& user) {
    auto activation = create(user);
    EXPECT_TRUE(activation.has_value());
    auto device = activate(activation->code);
    EXPECT_TRUE(device.has_value()) << device.error().code;
    return std::move(*device);
  }

  /// The current code for a base32 secret with the given parameters.
  std::string code_for(const std::string& base32, const totp::Params& params = {},
                       std::int64_t offset_steps = 0) const {
    auto secret = core::base32_decode(base32);
    return *totp::totp_code(*secret, params, now() + offset_steps * params.period);
  }

  std::int64_t count(const std::string& sql, store::Params params = {}) {
    return store_->read([&](store::Tx& tx) { return tx.query_one(sql, params)->integer(0); });
  }

  std::int64_t audit_count(const std::string& type) {
    return count("SELECT COUNT(*) FROM audit_log WHERE type = ?", {type});
  }

  twostep::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  core::ManualClock clock_{core::from_unix_seconds(kStart)};
  core::SystemRandom random_;
  core::Sealer sealer_;
  store::AuditContext who_{"admin:helpdesk", "192.0.2.1", "corr-test"};
  store::AuditContext device_who_{"device:new", "192.0.2.2", "corr-device"};
};

}  // namespace twostep::activation
