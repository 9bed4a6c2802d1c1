#include "server/stale_sweeper.hpp"

#include <gtest/gtest.h>

#include "account/settings.hpp"
#include "tests/unit/activation/activation_fixture.hpp"

namespace twostep::server {
namespace {

using std::chrono::hours;

class StaleSweepTest : public activation::ActivationTest {
 protected:
  void set_stale_days(int days) {
    auto ok = store_->write([&](store::Tx& tx) {
      return account::update_settings(tx, clock_, who_, {{"stale_device_days", days}});
    });
    ASSERT_TRUE(ok.has_value()) << ok.error().code;
  }

  std::vector<activation::Deactivation> sweep() {
    return run_stale_sweep(*store_, clock_, random_,
                           [this](const auto& done) { told_.push_back(done.size()); });
  }

  std::string status_of(const std::string& device_id) {
    return store_->read([&](store::Tx& tx) {
      auto device = activation::find_device(tx, device_id);
      return device->deactivated_reason
                 ? std::string(activation::reason_name(*device->deactivated_reason))
                 : std::string(activation::status_name(device->status));
    });
  }

  std::vector<std::size_t> told_;
};

TEST_F(StaleSweepTest, DoesNothingWhileTheSettingIsOff) {
  const auto device = enrolled_device(add_user("alice"));
  clock_.advance(hours(24 * 400));
  EXPECT_TRUE(sweep().empty());
  EXPECT_EQ(status_of(device.device_id), "active");
  EXPECT_EQ(audit_count("device.stale_sweep"), 0);
}

TEST_F(StaleSweepTest, DeactivatesOnlyDevicesNotSeenForTheSetDays) {
  set_stale_days(30);
  const auto old_device = enrolled_device(add_user("alice"));
  clock_.advance(hours(24 * 20));
  const auto recent_device = enrolled_device(add_user("bob"));
  clock_.advance(hours(24 * 11));  // alice's: 31 days unseen; bob's: 11

  auto done = sweep();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].device_id, old_device.device_id);
  EXPECT_EQ(done[0].reason, activation::DeactivationReason::kStale);
  EXPECT_EQ(told_, std::vector<std::size_t>{1});
  EXPECT_EQ(status_of(old_device.device_id), "stale");
  EXPECT_EQ(status_of(recent_device.device_id), "active");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE type = 'device.stale_sweep' AND "
                  "actor = 'system'"),
            1);
}

TEST_F(StaleSweepTest, WritesNoAuditRowWhenNothingIsStale) {
  set_stale_days(30);
  enrolled_device(add_user("alice"));
  clock_.advance(hours(24));
  EXPECT_TRUE(sweep().empty());
  EXPECT_TRUE(told_.empty());
  EXPECT_EQ(audit_count("device.stale_sweep"), 0);
}

}  // namespace
}  // namespace twostep::server
