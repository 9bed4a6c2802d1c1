#include "activation/activate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "activation/devices.hpp"
#include "activation/verifier.hpp"
#include "tests/unit/activation/activation_fixture.hpp"

namespace twostep::activation {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

using Activate = ActivationTest;

TEST_F(Activate, RegistersTheDeviceWithItsKeyAndTotpSecret) {
  const std::string user = add_user("alice");
  auto a = create(user);
  const std::string key = new_p256_public_key();
  auto device = activate(a->code, key);
  ASSERT_TRUE(device.has_value()) << device.error().code;
  EXPECT_EQ(device->user.id, user);
  EXPECT_EQ(device->user.username, "alice");
  EXPECT_EQ(device->totp, totp::Params{});
  EXPECT_EQ(core::base32_decode(device->totp_secret_base32)->size(), 20u);
  EXPECT_TRUE(device->deactivated.empty());

  auto stored = store_->read([&](store::Tx& tx) { return find_device(tx, device->device_id); });
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, DeviceStatus::kActive);
  EXPECT_EQ(stored->display_name, "Alice's phone");
  EXPECT_EQ(stored->platform, "android");
  EXPECT_EQ(stored->app_version, "1.0.0");
  EXPECT_EQ(stored->public_key, *core::base64url_decode(key));
  EXPECT_EQ(stored->last_seen_at, clock_.now());
  EXPECT_EQ(audit_count("device.activated"), 1);

  // The secret is stored sealed, not in clear, and it verifies.
  EXPECT_EQ(count("SELECT COUNT(*) FROM totp_credentials WHERE device_id = ? AND kind = 'device' "
                  "AND status = 'active' AND length(secret_sealed) > 20",
                  {device->device_id}),
            1);
  const auto verdict = verify_user_totp(*store_, clock_, sealer_, who_, "alice",
                                        code_for(device->totp_secret_base32), {});
  EXPECT_TRUE(verdict.approved) << verdict.reason;
  EXPECT_EQ(verdict.device_id, device->device_id);
}

TEST_F(Activate, BadPublicKeyIsRefusedAndTheCodeStaysUsable) {
  auto a = create(add_user("alice"));
  const std::string p384 = [] {
    EVP_PKEY* key = EVP_EC_gen("P-384");
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    std::string out = core::base64url_encode({der, static_cast<std::size_t>(len)});
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    return out;
  }();
  for (const std::string& bad : {std::string("not base64!"), std::string(""),
                                 core::base64url_encode(core::as_bytes("garbage")), p384}) {
    auto device = activate(a->code, bad);
    ASSERT_FALSE(device.has_value());
    EXPECT_EQ(device.error().code, "invalid_public_key");
    EXPECT_EQ(device.error().kind, core::ErrorKind::kInvalidInput);
  }
  EXPECT_TRUE(activate(a->code).has_value());
}

TEST_F(Activate, ChecksDeviceFieldsBeforeTheCode) {
  auto a = create(add_user("alice"));
  auto with = [&](ActivateRequest r) {
    return store_->write([&](store::Tx& tx) {
      return activate_device(tx, clock_, random_, sealer_, device_who_, r);
    });
  };
  const std::string key = new_p256_public_key();
  EXPECT_EQ(with({a->code, "", "ios", "1", key}).error().code, "invalid_device_name");
  EXPECT_EQ(with({a->code, "phone\n", "ios", "1", key}).error().code, "invalid_device_name");
  EXPECT_EQ(with({a->code, "phone", std::string(51, 'x'), "1", key}).error().code,
            "invalid_platform");
  EXPECT_EQ(with({a->code, "phone", "ios", "\xff", key}).error().code, "invalid_app_version");
  EXPECT_EQ(with({"", "phone", "ios", "1", key}).error().code, "invalid_code");
  EXPECT_TRUE(with({a->code, "Zoë's 📱", "ios", "1", key}).has_value());
}

TEST_F(Activate, UnknownCodeIsNotFound) {
  add_user("alice");
  auto device = activate("AAAAAAAAAAAAAAAAAAAAAA");
  ASSERT_FALSE(device.has_value());
  EXPECT_EQ(device.error().code, "activation_not_found");
  EXPECT_EQ(device.error().kind, core::ErrorKind::kNotFound);
}

TEST_F(Activate, UsedCodeIsAConflict) {
  auto a = create(add_user("alice"));
  ASSERT_TRUE(activate(a->code).has_value());
  auto again = activate(a->code);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, "activation_used");
  EXPECT_EQ(again.error().kind, core::ErrorKind::kConflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM devices"), 1);
}

TEST_F(Activate, ExpiredCodeIsGoneAndANewActivationReplacesIt) {
  const std::string user = add_user("alice");
  auto a = create(user);
  clock_.advance(minutes(10));
  auto late = activate(a->code);
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, "activation_expired");
  EXPECT_EQ(late.error().kind, core::ErrorKind::kGone);
  auto fresh = create(user);
  EXPECT_TRUE(activate(fresh->code).has_value());
}

TEST_F(Activate, DisabledUserCannotActivateAndTheCodeSurvives) {
  const std::string user = add_user("alice");
  auto a = create(user);
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec("UPDATE users SET status = 'disabled' WHERE id = ?", {user});
    return true;
  });
  EXPECT_EQ(activate(a->code).error().code, "user_disabled");
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec("UPDATE users SET status = 'active' WHERE id = ?", {user});
    return true;
  });
  EXPECT_TRUE(activate(a->code).has_value());
}

TEST_F(Activate, ReplacingDeactivatesTheOldDeviceInTheSameTransaction) {
  const std::string user = add_user("alice");
  const auto old_device = enrolled_device(user);
  auto a = create(user, old_device.device_id);
  ASSERT_TRUE(a.has_value());

  // Until the new phone activates, the old one keeps working.
  clock_.advance(minutes(5));
  auto verdict = verify_user_totp(*store_, clock_, sealer_, who_, user,
                                  code_for(old_device.totp_secret_base32), {});
  EXPECT_TRUE(verdict.approved);
  EXPECT_EQ(verdict.device_id, old_device.device_id);

  clock_.advance(seconds(60));
  auto new_device = activate(a->code);
  ASSERT_TRUE(new_device.has_value());
  ASSERT_EQ(new_device->deactivated.size(), 1u);
  EXPECT_EQ(new_device->deactivated[0].device_id, old_device.device_id);
  EXPECT_EQ(new_device->deactivated[0].reason, DeactivationReason::kReplaced);

  auto old = store_->read([&](store::Tx& tx) { return find_device(tx, old_device.device_id); });
  EXPECT_EQ(old->status, DeviceStatus::kDeactivated);
  EXPECT_EQ(old->deactivated_reason, DeactivationReason::kReplaced);
  EXPECT_EQ(old->deactivated_at, clock_.now());
  EXPECT_FALSE(verify_user_totp(*store_, clock_, sealer_, who_, user,
                                code_for(old_device.totp_secret_base32), {})
                   .approved);
  EXPECT_TRUE(verify_user_totp(*store_, clock_, sealer_, who_, user,
                               code_for(new_device->totp_secret_base32), {})
                  .approved);
}

TEST_F(Activate, FailedReplacementLeavesTheOldDeviceAlone) {
  const std::string user = add_user("alice");
  const auto old_device = enrolled_device(user);
  auto a = create(user, old_device.device_id);
  EXPECT_FALSE(activate(a->code, "bad-key").has_value());
  clock_.advance(minutes(11));
  EXPECT_EQ(activate(a->code).error().code, "activation_expired");
  auto old = store_->read([&](store::Tx& tx) { return find_device(tx, old_device.device_id); });
  EXPECT_EQ(old->status, DeviceStatus::kActive);
  EXPECT_EQ(count("SELECT COUNT(*) FROM devices"), 1);
}

TEST_F(Activate, ReplacingADeviceRemovedMeanwhileStillActivates) {
  const std::string user = add_user("alice");
  const auto old_device = enrolled_device(user);
  auto a = create(user, old_device.device_id);
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    return deactivate_device(tx, clock_, who_, old_device.device_id,
                             DeactivationReason::kUserRemoved)
        .has_value();
  });
  auto device = activate(a->code);
  ASSERT_TRUE(device.has_value());
  EXPECT_TRUE(device->deactivated.empty());
  auto old = store_->read([&](store::Tx& tx) { return find_device(tx, old_device.device_id); });
  EXPECT_EQ(old->deactivated_reason, DeactivationReason::kUserRemoved);
}

// Two phones submit the same code at once, through two separate connections to the same
// database file (as two server processes would): exactly one device comes out.
TEST_F(Activate, ConcurrentSubmissionsOfOneCodeMakeExactlyOneDevice) {
  const std::string user = add_user("alice");
  auto second_store = store::open_store("sqlite:" + (dir_ / "twostep.db").string());
  for (int round = 0; round < 10; ++round) {
    auto a = create(user);
    std::atomic<int> ok{0}, used{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      store::Store& s = i % 2 == 0 ? *store_ : *second_store;
      threads.emplace_back([&, i, key = new_p256_public_key()] {
        auto r = s.write([&](store::Tx& tx) {
          return activate_device(tx, clock_, random_, sealer_, device_who_,
                                 {a->code, "phone " + std::to_string(i), "ios", "1", key});
        });
        if (r) ++ok;
        if (!r && r.error().code == "activation_used") ++used;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(used.load(), 3);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM devices"), 10);
}

}  // namespace
}  // namespace twostep::activation
