#include "activation/devices.hpp"

#include <gtest/gtest.h>

#include "activation/verifier.hpp"
#include "tests/unit/activation/activation_fixture.hpp"

namespace twostep::activation {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

class Devices : public ActivationTest {
 protected:
  bool touch(const std::string& device_id) {
    bool active = false;
    store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      active = touch_device(tx, clock_, device_id);
      return true;
    });
    return active;
  }
};

constexpr DeactivationReason kAllReasons[] = {
    DeactivationReason::kUserRemoved,        DeactivationReason::kAdminRemoved,
    DeactivationReason::kReplaced,           DeactivationReason::kStale,
    DeactivationReason::kDeviceRemoved,      DeactivationReason::kDisowned,
    DeactivationReason::kAdminReregistration};

TEST(DeviceReasons, NamesRoundTrip) {
  for (auto reason : kAllReasons) {
    EXPECT_EQ(parse_deactivation_reason(reason_name(reason)), reason);
  }
  EXPECT_EQ(reason_name(DeactivationReason::kAdminReregistration), "admin_reregistration");
  EXPECT_EQ(reason_name(DeactivationReason::kDeviceRemoved), "device_removed");
  EXPECT_FALSE(parse_deactivation_reason("lost").has_value());
  EXPECT_EQ(parse_device_status("active"), DeviceStatus::kActive);
  EXPECT_EQ(status_name(DeviceStatus::kDeactivated), "deactivated");
}

// Every reason goes through the same transition: status, reason, time, secret wiped,
// audit row, and the device's codes stop verifying.
TEST_F(Devices, EveryDeactivationPathWipesTheSecretAndAudits) {
  int n = 0;
  for (auto reason : kAllReasons) {
    const std::string user = add_user("user" + std::to_string(n++));
    const auto device = enrolled_device(user);
    clock_.advance(seconds(90));
    auto done = store_->write([&](store::Tx& tx) {
      return deactivate_device(tx, clock_, who_, device.device_id, reason);
    });
    ASSERT_TRUE(done.has_value()) << reason_name(reason);
    EXPECT_EQ(done->device_id, device.device_id);
    EXPECT_EQ(done->user_id, user);
    EXPECT_EQ(done->reason, reason);

    auto row = store_->read([&](store::Tx& tx) { return find_device(tx, device.device_id); });
    EXPECT_EQ(row->status, DeviceStatus::kDeactivated);
    EXPECT_EQ(row->deactivated_reason, reason);
    EXPECT_EQ(row->deactivated_at, clock_.now());
    EXPECT_EQ(count("SELECT COUNT(*) FROM totp_credentials WHERE device_id = ? "
                    "AND secret_sealed IS NULL AND status = 'deleted'",
                    {device.device_id}),
              1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE type = 'device.deactivated' "
                    "AND device_id = ? AND user_id = ? AND detail LIKE ?",
                    {device.device_id, user, "%" + std::string(reason_name(reason)) + "%"}),
              1);
    const auto verdict = verify_user_totp(*store_, clock_, sealer_, who_, user,
                                          code_for(device.totp_secret_base32), {});
    EXPECT_FALSE(verdict.approved);
    EXPECT_EQ(verdict.reason, "invalid_code");
  }
}

TEST_F(Devices, DeactivationIsFinal) {
  const auto device = enrolled_device(add_user("alice"));
  auto deactivate = [&](DeactivationReason reason) {
    return store_->write([&](store::Tx& tx) {
      return deactivate_device(tx, clock_, who_, device.device_id, reason);
    });
  };
  ASSERT_TRUE(deactivate(DeactivationReason::kUserRemoved).has_value());
  clock_.advance(hours(1));
  auto again = deactivate(DeactivationReason::kAdminRemoved);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, "device_deactivated");
  EXPECT_EQ(again.error().kind, core::ErrorKind::kConflict);
  auto row = store_->read([&](store::Tx& tx) { return find_device(tx, device.device_id); });
  EXPECT_EQ(row->deactivated_reason, DeactivationReason::kUserRemoved);
  EXPECT_EQ(row->deactivated_at, clock_.now() - hours(1));
  EXPECT_FALSE(touch(device.device_id));
}

TEST_F(Devices, UnknownDeviceIsNotFound) {
  auto r = store_->write([&](store::Tx& tx) {
    return deactivate_device(tx, clock_, who_, "dev_nope", DeactivationReason::kAdminRemoved);
  });
  EXPECT_EQ(r.error().code, "device_not_found");
}

TEST_F(Devices, UsersCannotRemoveAnotherUsersDevice) {
  const std::string alice = add_user("alice");
  const std::string bob = add_user("bob");
  const auto bobs = enrolled_device(bob);
  auto r = store_->write([&](store::Tx& tx) {
    return deactivate_user_device(tx, clock_, who_, alice, bobs.device_id,
                                  DeactivationReason::kUserRemoved);
  });
  EXPECT_EQ(r.error().code, "device_not_found");
  auto own = store_->write([&](store::Tx& tx) {
    return deactivate_user_device(tx, clock_, who_, bob, bobs.device_id,
                                  DeactivationReason::kUserRemoved);
  });
  EXPECT_TRUE(own.has_value());
}

TEST_F(Devices, DeactivatingOneDeviceLeavesTheOthersWorking) {
  const std::string user = add_user("alice");
  const auto first = enrolled_device(user);
  const auto second = enrolled_device(user);
  ASSERT_TRUE(store_->write([&](store::Tx& tx) {
    return deactivate_device(tx, clock_, who_, first.device_id, DeactivationReason::kUserRemoved);
  }));
  auto verdict = verify_user_totp(*store_, clock_, sealer_, who_, user,
                                  code_for(second.totp_secret_base32), {});
  EXPECT_TRUE(verdict.approved);
  EXPECT_EQ(verdict.device_id, second.device_id);
}

TEST_F(Devices, TouchUpdatesLastSeenOfActiveDevices) {
  const auto device = enrolled_device(add_user("alice"));
  clock_.advance(hours(30));
  EXPECT_TRUE(touch(device.device_id));
  auto row = store_->read([&](store::Tx& tx) { return find_device(tx, device.device_id); });
  EXPECT_EQ(row->last_seen_at, clock_.now());
  EXPECT_FALSE(touch("dev_nope"));
}

TEST_F(Devices, ListsWithFiltersAndPages) {
  const std::string alice = add_user("alice");
  const std::string bob = add_user("bob");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(enrolled_device(i < 3 ? alice : bob).device_id);
    clock_.advance(hours(24));
  }
  // ids[0] was last seen 5 days ago, ids[4] one day ago.
  ASSERT_TRUE(store_->write([&](store::Tx& tx) {
    return deactivate_device(tx, clock_, who_, ids[1], DeactivationReason::kAdminRemoved);
  }));
  auto list = [&](DeviceFilter f) {
    auto page = store_->read([&](store::Tx& tx) { return list_devices(tx, clock_, f); });
    EXPECT_TRUE(page.has_value());
    std::vector<std::string> out;
    for (const auto& d : page->items) out.push_back(d.id);
    return out;
  };
  EXPECT_EQ(list({}), ids);
  EXPECT_EQ(list({alice, std::nullopt, std::nullopt, 100, ""}),
            (std::vector<std::string>{ids[0], ids[1], ids[2]}));
  EXPECT_EQ(list({std::nullopt, DeviceStatus::kActive, std::nullopt, 100, ""}),
            (std::vector<std::string>{ids[0], ids[2], ids[3], ids[4]}));
  EXPECT_EQ(list({std::nullopt, DeviceStatus::kDeactivated, std::nullopt, 100, ""}),
            (std::vector<std::string>{ids[1]}));
  EXPECT_EQ(list({std::nullopt, DeviceStatus::kActive, 3, 100, ""}),
            (std::vector<std::string>{ids[0], ids[2]}));
  EXPECT_EQ(list({bob, DeviceStatus::kActive, 2, 100, ""}), (std::vector<std::string>{ids[3]}));

  // Paging two at a time visits every device once, in order.
  std::vector<std::string> paged;
  DeviceFilter f;
  f.limit = 2;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = store_->read([&](store::Tx& tx) { return list_devices(tx, clock_, f); });
    ASSERT_TRUE(page.has_value());
    for (const auto& d : page->items) paged.push_back(d.id);
    if (!page->next_cursor) break;
    f.cursor = *page->next_cursor;
  }
  EXPECT_EQ(paged, ids);

  auto usernames = store_->read([&](store::Tx& tx) { return list_devices(tx, clock_, {}); });
  EXPECT_EQ(usernames->items[3].username, "bob");
}

TEST_F(Devices, ListRejectsBadInput) {
  auto bad = [&](DeviceFilter f) {
    auto page = store_->read([&](store::Tx& tx) { return list_devices(tx, clock_, f); });
    return page.has_value() ? std::string() : page.error().code;
  };
  EXPECT_EQ(bad({std::nullopt, std::nullopt, std::nullopt, 0, ""}), "invalid_limit");
  EXPECT_EQ(bad({std::nullopt, std::nullopt, std::nullopt, 501, ""}), "invalid_limit");
  EXPECT_EQ(bad({std::nullopt, std::nullopt, -1, 10, ""}), "invalid_not_seen_days");
  EXPECT_EQ(bad({std::nullopt, std::nullopt, std::nullopt, 10, "!!"}), "invalid_cursor");
  EXPECT_EQ(bad({std::nullopt, std::nullopt, std::nullopt, 10, "bm9jb2xvbg"}), "invalid_cursor");
}

}  // namespace
}  // namespace twostep::activation
