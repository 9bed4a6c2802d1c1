#include "activation/activation_codes.hpp"

#include <gtest/gtest.h>

#include "activation/activation_uri.hpp"
#include "core/crypto.hpp"
#include "tests/unit/activation/activation_fixture.hpp"

namespace twostep::activation {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

using ActivationCodes = ActivationTest;

TEST_F(ActivationCodes, CodeHas128BitsAndOnlyItsHashIsSearchable) {
  const std::string user = add_user("alice");
  auto a = create(user);
  ASSERT_TRUE(a.has_value());
  auto raw = core::base64url_decode(a->code);
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), 16u);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM activations WHERE code_hash = ?", {core::sha256_hex(a->code)}),
      1);
  // The code itself is not stored: code_hash is its digest, code_sealed its ciphertext.
  EXPECT_EQ(count("SELECT COUNT(*) FROM activations WHERE code_hash = ?", {a->code}), 0);
  EXPECT_EQ(audit_count("activation.created"), 1);
}

TEST_F(ActivationCodes, UriCarriesTheCodeAndTheActivateUrl) {
  auto a = create(add_user("alice"));
  ASSERT_TRUE(a.has_value());
  auto parsed = parse_activation_uri(a->uri);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, a->code);
  EXPECT_EQ(parsed->url, kActivateUrl);
  EXPECT_TRUE(a->uri.find("url=https%3A%2F%2Fmfa.example.com%2Fv1%2Factivate") !=
              std::string::npos);
}

TEST_F(ActivationCodes, LifetimeIsAtMostTenMinutes) {
  const std::string user = add_user("alice");
  auto a = store_->write([&](store::Tx& tx) {
    return create_activation(tx, clock_, random_, sealer_, who_,
                             {user, std::nullopt, std::chrono::hours(24), kActivateUrl});
  });
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->expires_at, clock_.now() + minutes(10));
  auto b = store_->write([&](store::Tx& tx) {
    return create_activation(tx, clock_, random_, sealer_, who_,
                             {user, std::nullopt, seconds(0), kActivateUrl});
  });
  EXPECT_EQ(b->expires_at, clock_.now() + kMinActivationLifetime);
}

TEST_F(ActivationCodes, StatusMovesFromPendingToExpiredWithTheClock) {
  auto a = create(add_user("alice"));
  auto status = [&] {
    return store_->read([&](store::Tx& tx) { return get_activation(tx, clock_, a->id); });
  };
  EXPECT_EQ(status()->status, ActivationStatus::kPending);
  EXPECT_EQ(status()->created_by, "admin:helpdesk");
  clock_.advance(minutes(10) - seconds(1));
  EXPECT_EQ(status()->status, ActivationStatus::kPending);
  clock_.advance(seconds(1));
  EXPECT_EQ(status()->status, ActivationStatus::kExpired);
  EXPECT_EQ(activation_status_name(status()->status), "expired");
}

TEST_F(ActivationCodes, StatusShowsTheDeviceOnceCompleted) {
  auto a = create(add_user("alice"));
  auto device = activate(a->code);
  ASSERT_TRUE(device.has_value());
  auto info = store_->read([&](store::Tx& tx) { return get_activation(tx, clock_, a->id); });
  EXPECT_EQ(info->status, ActivationStatus::kCompleted);
  EXPECT_EQ(info->device_id, device->device_id);
  EXPECT_EQ(info->completed_at, clock_.now());
}

TEST_F(ActivationCodes, UnknownActivationIsNotFound) {
  auto info = store_->read([&](store::Tx& tx) { return get_activation(tx, clock_, "act_nope"); });
  ASSERT_FALSE(info.has_value());
  EXPECT_EQ(info.error().code, "activation_not_found");
  EXPECT_EQ(info.error().kind, core::ErrorKind::kNotFound);
}

TEST_F(ActivationCodes, QrUriIsAvailableWhilePendingOnly) {
  auto a = create(add_user("alice"));
  auto uri = [&] {
    return store_->read([&](store::Tx& tx) {
      return activation_uri_for(tx, clock_, sealer_, a->id, kActivateUrl);
    });
  };
  ASSERT_TRUE(uri().has_value());
  EXPECT_EQ(*uri(), a->uri);
  clock_.advance(minutes(11));
  EXPECT_EQ(uri().error().code, "activation_expired");
  auto b = create("alice");
  ASSERT_TRUE(activate(b->code).has_value());
  auto used = store_->read(
      [&](store::Tx& tx) { return activation_uri_for(tx, clock_, sealer_, b->id, kActivateUrl); });
  EXPECT_EQ(used.error().code, "activation_used");
  EXPECT_EQ(count("SELECT COUNT(*) FROM activations WHERE id = ? AND code_sealed IS NULL", {b->id}),
            1);
}

TEST_F(ActivationCodes, NewActivationDoesNotInvalidateOthers) {
  const std::string user = add_user("alice");
  auto first = create(user);
  auto second = create("ALICE");  // by username, case-insensitively
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->code, second->code);
  EXPECT_TRUE(activate(first->code).has_value());
  EXPECT_TRUE(activate(second->code).has_value());
}

TEST_F(ActivationCodes, RefusesUnknownDisabledAndBlockedUsers) {
  EXPECT_EQ(create("nobody").error().code, "user_not_found");
  add_user("dora", "disabled");
  EXPECT_EQ(create("dora").error().code, "user_disabled");
  add_user("bob", "blocked");
  EXPECT_EQ(create("bob").error().kind, core::ErrorKind::kLocked);
}

TEST_F(ActivationCodes, ReplaceMustNameAnActiveDeviceOfTheSameUser) {
  const std::string alice = add_user("alice");
  const std::string bob = add_user("bob");
  const auto bobs = enrolled_device(bob);
  EXPECT_EQ(create(alice, bobs.device_id).error().code, "device_not_found");
  EXPECT_EQ(create(alice, std::string("dev_missing")).error().code, "device_not_found");
  const auto alices = enrolled_device(alice);
  EXPECT_TRUE(create(alice, alices.device_id).has_value());
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    return deactivate_device(tx, clock_, who_, alices.device_id, DeactivationReason::kUserRemoved)
        .has_value();
  });
  EXPECT_EQ(create(alice, alices.device_id).error().code, "device_deactivated");
}

}  // namespace
}  // namespace twostep::activation
