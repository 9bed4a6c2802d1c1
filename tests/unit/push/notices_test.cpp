// Security notices: one per other active device, delivery, and the "not me" answer.
#include <set>
#include <stdexcept>

#include "push/protocol.hpp"
#include "tests/unit/push/fixture.hpp"

namespace twostep::push::testing {
namespace {

using namespace std::chrono_literals;

class Notices : public PushTest {
 protected:
  Notices()
      : alice_(add_user("alice")),
        old_phone_(add_device(alice_, old_key_)),
        tablet_(add_device(alice_, tablet_key_)),
        retired_(add_device(alice_, retired_key_, "deactivated")),
        new_phone_(add_device(alice_, new_key_)) {
    deactivate_ = [this](store::Tx& tx, std::string_view device_id) -> core::Result<void> {
      deactivated_.emplace_back(device_id);
      // What activation::deactivate_device does to the row, for this test's purposes.
      tx.exec(
          "UPDATE devices SET status = 'deactivated', deactivated_reason = 'disowned' "
          "WHERE id = ?",
          {std::string(device_id)});
      return {};
    };
  }

  std::vector<Notice> device_added() {
    return service_->notify(NoticeRequest{alice_,
                                          NoticeEvent::kDeviceAdded,
                                          {{"device_name", "New phone"}, {"platform", "ios"}},
                                          new_phone_,
                                          ""});
  }

  static Notice notice_for(const std::vector<Notice>& notices, const std::string& device) {
    for (const Notice& n : notices) {
      if (n.device_id == device) return n;
    }
    throw std::runtime_error("no notice for " + device);
  }

  core::Result<NotMeOutcome> not_me(const std::string& device, const DeviceKey& key,
                                    const std::string& event_id) {
    return service_->handle_not_me(
        NotMeRequest{device, event_id, key.sign(not_me_signed_message(event_id))}, deactivate_,
        store::AuditContext{"device:" + device, "", "corr-3"});
  }

  DeviceKey old_key_, tablet_key_, retired_key_, new_key_;
  std::string alice_, old_phone_, tablet_, retired_, new_phone_;
  std::vector<std::string> deactivated_;
  DeactivateInTx deactivate_;
};

TEST_F(Notices, OneNoticePerOtherActiveDevice) {
  const auto notices = device_added();
  ASSERT_EQ(notices.size(), 2u);  // not the retired device, not the new one itself
  std::set<std::string> recipients;
  for (const Notice& n : notices) {
    recipients.insert(n.device_id);
    EXPECT_EQ(n.event, NoticeEvent::kDeviceAdded);
    EXPECT_EQ(n.subject_device_id, new_phone_);
    EXPECT_TRUE(n.event_id.starts_with("evt_"));
  }
  EXPECT_EQ(recipients, (std::set<std::string>{old_phone_, tablet_}));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM device_notices"), 2);
}

TEST_F(Notices, TheActingDeviceIsExcluded) {
  const auto notices = service_->notify(
      NoticeRequest{alice_, NoticeEvent::kPhoneChanged, {{"type", "mobile"}}, "", tablet_});
  ASSERT_EQ(notices.size(), 2u);
  for (const Notice& n : notices) EXPECT_NE(n.device_id, tablet_);
}

TEST_F(Notices, UndeliveredNoticesWaitForTheDevice) {
  fanout_.notices_reach_device = false;
  const auto notices = device_added();
  EXPECT_EQ(fanout_.notices.size(), 2u);  // offered to the fan-out
  auto waiting = service_->list_undelivered(old_phone_);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].event_id, notice_for(notices, old_phone_).event_id);
  EXPECT_EQ(waiting[0].detail.at("device_name").as_string(), "New phone");
  service_->mark_delivered(old_phone_, waiting[0].event_id);
  EXPECT_TRUE(service_->list_undelivered(old_phone_).empty());
  EXPECT_EQ(service_->list_undelivered(tablet_).size(), 1u);
}

TEST_F(Notices, NoticesHandedToAConnectedDeviceAreMarkedDelivered) {
  fanout_.notices_reach_device = true;
  device_added();
  EXPECT_TRUE(service_->list_undelivered(old_phone_).empty());
  EXPECT_TRUE(service_->list_undelivered(tablet_).empty());
}

TEST_F(Notices, NotMeDeactivatesTheNewDeviceAndBlocksTheUser) {
  auto push = push_for(alice_);
  const Notice notice = notice_for(device_added(), old_phone_);
  auto out = not_me(old_phone_, old_key_, notice.event_id);
  ASSERT_TRUE(out) << out.error().code;
  EXPECT_EQ(out->subject_device_id, new_phone_);
  EXPECT_EQ(deactivated_, std::vector<std::string>{new_phone_});
  EXPECT_EQ(user_status(alice_), "blocked");
  EXPECT_EQ(audit_rows("device.disowned", "success"), 1);
  ASSERT_EQ(fanout_.deactivations.size(), 1u);
  EXPECT_EQ(fanout_.deactivations[0], std::make_pair(new_phone_, std::string("disowned")));
  EXPECT_EQ(push_status(push->txid), "denied");
  EXPECT_EQ(service_->counters().fraud.load(), 1u);
}

TEST_F(Notices, NotMeWithABadSignatureChangesNothing) {
  const Notice notice = notice_for(device_added(), old_phone_);
  auto out =
      service_->handle_not_me(NotMeRequest{old_phone_, notice.event_id,
                                           new_key_.sign(not_me_signed_message(notice.event_id))},
                              deactivate_, who_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "invalid_signature");
  EXPECT_TRUE(deactivated_.empty());
  EXPECT_EQ(user_status(alice_), "active");
  EXPECT_EQ(audit_rows("device.not_me", "refused"), 1);
}

TEST_F(Notices, NotMeOnlyAnswersTheDevicesOwnDeviceAddedNotice) {
  const auto notices = device_added();
  // The tablet's notice, answered by the old phone.
  const std::string tablets = notice_for(notices, tablet_).event_id;
  EXPECT_EQ(not_me(old_phone_, old_key_, tablets).error().code, "notice_not_found");
  // A device_removed notice cannot be disowned.
  const auto removed =
      service_->notify(NoticeRequest{alice_, NoticeEvent::kDeviceRemoved, {}, retired_, ""});
  EXPECT_EQ(not_me(old_phone_, old_key_, notice_for(removed, old_phone_).event_id).error().code,
            "notice_not_found");
  EXPECT_TRUE(deactivated_.empty());
  EXPECT_EQ(user_status(alice_), "active");
}

TEST_F(Notices, NotMeExpiresAfterAWeek) {
  const Notice notice = notice_for(device_added(), old_phone_);
  clock_.advance(kNotMeWindow + 1s);
  auto out = not_me(old_phone_, old_key_, notice.event_id);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "notice_expired");
  EXPECT_EQ(user_status(alice_), "active");
}

TEST_F(Notices, NotMeActsOnce) {
  const Notice notice = notice_for(device_added(), old_phone_);
  ASSERT_TRUE(not_me(old_phone_, old_key_, notice.event_id));
  auto again = not_me(old_phone_, old_key_, notice.event_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "notice_already_handled");
  EXPECT_EQ(deactivated_.size(), 1u);
}

TEST_F(Notices, AFailedDeactivationRollsEverythingBack) {
  const Notice notice = notice_for(device_added(), old_phone_);
  deactivate_ = [](store::Tx&, std::string_view) -> core::Result<void> {
    return core::fail(core::ErrorKind::kConflict, "device_deactivated", "already");
  };
  auto out = not_me(old_phone_, old_key_, notice.event_id);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "device_deactivated");
  EXPECT_EQ(user_status(alice_), "active");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM device_notices WHERE handled_at IS NOT NULL"), 0);
}

}  // namespace
}  // namespace twostep::push::testing
