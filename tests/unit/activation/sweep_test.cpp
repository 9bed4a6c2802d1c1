#include "activation/sweep.hpp"

#include <gtest/gtest.h>

#include "activation/oath_tokens.hpp"
#include "activation/verifier.hpp"
#include "tests/unit/activation/activation_fixture.hpp"

namespace twostep::activation {
namespace {

using std::chrono::hours;

class Sweep : public ActivationTest {
 protected:
  core::Result<StaleSweep> sweep(int days, bool dry_run, int limit = kDefaultSweepLimit) {
    return store_->write(
        [&](store::Tx& tx) { return sweep_stale_devices(tx, clock_, who_, days, dry_run, limit); });
  }
  std::int64_t active_devices() {
    return count("SELECT COUNT(*) FROM devices WHERE status = 'active'");
  }
};

TEST_F(Sweep, DryRunListsStaleDevicesAndChangesNothing) {
  const auto old_device = enrolled_device(add_user("alice"));
  clock_.advance(hours(24 * 40));
  const auto fresh = enrolled_device(add_user("bob"));
  auto result = sweep(30, true);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->dry_run);
  ASSERT_EQ(result->devices.size(), 1u);
  EXPECT_EQ(result->devices[0].id, old_device.device_id);
  EXPECT_EQ(result->devices[0].username, "alice");
  EXPECT_TRUE(result->deactivations.empty());
  EXPECT_EQ(active_devices(), 2);
  EXPECT_EQ(audit_count("device.stale_sweep"), 1);
  EXPECT_EQ(audit_count("device.deactivated"), 0);
  EXPECT_TRUE(verify_user_totp(*store_, clock_, sealer_, who_, "alice",
                               code_for(old_device.totp_secret_base32), {})
                  .approved);
}

TEST_F(Sweep, RealRunDeactivatesWithReasonStale) {
  const auto old_device = enrolled_device(add_user("alice"));
  clock_.advance(hours(24 * 40));
  enrolled_device(add_user("bob"));
  auto result = sweep(30, false);
  ASSERT_TRUE(result.has_value());
  ASSERT_EQ(result->deactivations.size(), 1u);
  EXPECT_EQ(result->deactivations[0].device_id, old_device.device_id);
  EXPECT_EQ(result->deactivations[0].reason, DeactivationReason::kStale);
  EXPECT_EQ(active_devices(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM devices WHERE deactivated_reason = 'stale'"), 1);
  EXPECT_EQ(audit_count("device.deactivated"), 1);
  // Running again finds nothing more.
  EXPECT_TRUE(sweep(30, false)->devices.empty());
}

TEST_F(Sweep, RecentContactKeepsADeviceOffTheList) {
  const auto device = enrolled_device(add_user("alice"));
  clock_.advance(hours(24 * 40));
  store_->run(store::TxMode::kWrite,
              [&](store::Tx& tx) { return touch_device(tx, clock_, device.device_id); });
  EXPECT_TRUE(sweep(30, true)->devices.empty());
}

TEST_F(Sweep, IsBoundedPerCall) {
  for (int i = 0; i < 5; ++i) enrolled_device(add_user("user" + std::to_string(i)));
  clock_.advance(hours(24 * 40));
  auto first = sweep(30, false, 2);
  EXPECT_EQ(first->deactivations.size(), 2u);
  EXPECT_TRUE(first->more);
  EXPECT_EQ(active_devices(), 3);
  auto second = sweep(30, false, 3);
  EXPECT_EQ(second->deactivations.size(), 3u);
  EXPECT_FALSE(second->more);
  EXPECT_EQ(active_devices(), 0);
}

TEST_F(Sweep, RejectsBadArguments) {
  EXPECT_EQ(sweep(0, true).error().code, "invalid_not_seen_days");
  EXPECT_EQ(sweep(-5, false).error().code, "invalid_not_seen_days");
  EXPECT_EQ(sweep(30, true, 0).error().code, "invalid_limit");
  EXPECT_EQ(sweep(30, true, kMaxSweepLimit + 1).error().code, "invalid_limit");
}

TEST_F(Sweep, ReregistrationRemovesEveryMethodOfTheUser) {
  const std::string alice = add_user("alice");
  const std::string bob = add_user("bob");
  const auto a1 = enrolled_device(alice);
  const auto a2 = enrolled_device(alice);
  const auto b1 = enrolled_device(bob);
  auto token = store_->write([&](store::Tx& tx) {
    return create_oath_token(tx, clock_, random_, sealer_, who_, alice, "FreeOTP", "twostep");
  });
  auto pending = create(alice);
  ASSERT_TRUE(token && pending);

  auto result = store_->write(
      [&](store::Tx& tx) { return require_reregistration(tx, clock_, who_, "alice"); });
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->deactivations.size(), 2u);
  for (const auto& d : result->deactivations) {
    EXPECT_EQ(d.reason, DeactivationReason::kAdminReregistration);
  }
  EXPECT_EQ(result->oath_tokens_deleted, 1);
  EXPECT_EQ(result->activations_cancelled, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM devices WHERE user_id = ? AND status = 'active'", {alice}),
            0);
  EXPECT_EQ(activate(pending->code).error().code, "activation_not_found");
  EXPECT_EQ(audit_count("user.reregistration_required"), 1);
  // Bob is untouched.
  EXPECT_TRUE(
      verify_user_totp(*store_, clock_, sealer_, who_, "bob", code_for(b1.totp_secret_base32), {})
          .approved);
  EXPECT_EQ(
      store_
          ->write([&](store::Tx& tx) { return require_reregistration(tx, clock_, who_, "nobody"); })
          .error()
          .code,
      "user_not_found");
}

}  // namespace
}  // namespace twostep::activation
