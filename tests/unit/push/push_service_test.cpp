// Status reads, expiry, pending-on-connect, losing the last device, device authentication.
#include "push/protocol.hpp"
#include "tests/unit/push/fixture.hpp"

namespace twostep::push::testing {
namespace {

using namespace std::chrono_literals;

class PushServiceTest : public PushTest {
 protected:
  PushServiceTest() : alice_(add_user("alice")), phone_(add_device(alice_, key_)) {}

  DeviceKey key_;
  std::string alice_;
  std::string phone_;
};

TEST_F(PushServiceTest, OnlyTheRequesterReadsTheTransaction) {
  auto push = push_for(alice_, "app_1");
  ASSERT_TRUE(push);
  auto mine = service_->get_transaction(push->txid, "app_1");
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, PushStatus::kPending);
  EXPECT_EQ(mine->requester.name, "VPN");
  auto theirs = service_->get_transaction(push->txid, "app_2");
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code, "transaction_not_found");
  EXPECT_EQ(service_->get_transaction("ptx_nope", "app_1").error().code, "transaction_not_found");
}

TEST_F(PushServiceTest, RememberFlagIsKept) {
  auto push = service_->create_push(
      PushRequest{alice_, Requester{"app_1", "VPN"}, PushContext{}, true}, settings_, who_);
  ASSERT_TRUE(push);
  EXPECT_TRUE(service_->get_transaction(push->txid, "app_1")->remember);
}

TEST_F(PushServiceTest, PendingPastExpiryReadsAsExpiredAndIsCancelled) {
  auto push = push_for(alice_);
  clock_.advance(59s);
  EXPECT_EQ(service_->get_transaction(push->txid, "app_1")->status, PushStatus::kPending);
  EXPECT_TRUE(fanout_.cancels.empty());
  clock_.advance(1s);
  auto read = service_->get_transaction(push->txid, "app_1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, PushStatus::kExpired);
  EXPECT_EQ(read->reason, "timeout");
  EXPECT_EQ(push_status(push->txid), "expired");
  ASSERT_EQ(fanout_.cancels.size(), 1u);
  EXPECT_EQ(fanout_.cancels[0].txid, push->txid);
  EXPECT_EQ(fanout_.changed, std::vector<std::string>{push->txid});
}

TEST_F(PushServiceTest, ExpireDueSweepsOnlyPushesPastTheirTime) {
  settings_.max_outstanding = 5;
  auto old_push = push_for(alice_);
  clock_.advance(30s);
  auto new_push = push_for(alice_);
  clock_.advance(30s);
  EXPECT_EQ(service_->expire_due(), 1u);
  EXPECT_EQ(push_status(old_push->txid), "expired");
  EXPECT_EQ(push_status(new_push->txid), "pending");
  EXPECT_EQ(service_->expire_due(), 0u);
  EXPECT_EQ(service_->counters().expired.load(), 1u);
}

TEST_F(PushServiceTest, PendingPushesAreListedForADeviceThatConnectsLater) {
  settings_.max_outstanding = 5;
  DeviceKey bob_key;
  const std::string bob = add_user("bob");
  add_device(bob, bob_key);
  auto expired = push_for(alice_);
  clock_.advance(50s);
  auto live = push_for(alice_);
  auto answered = push_for(alice_);
  ASSERT_TRUE(answer(phone_, key_, answered->txid, Decision::kDeny));
  ASSERT_TRUE(push_for(bob));
  clock_.advance(15s);  // the first push is now past its time

  DeviceKey laptop_key;
  const std::string later = add_device(alice_, laptop_key);
  const auto pending = service_->list_pending_for_device(later);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].txid, live->txid);
  EXPECT_EQ(pending[0].context.location, "Oslo");

  set_device_status(later, "deactivated");
  EXPECT_TRUE(service_->list_pending_for_device(later).empty());
  EXPECT_TRUE(service_->list_pending_for_device("dev_unknown").empty());
}

TEST_F(PushServiceTest, LosingTheLastDeviceDeniesPendingPushes) {
  DeviceKey tablet_key;
  const std::string tablet = add_device(alice_, tablet_key);
  auto push = push_for(alice_);
  set_device_status(phone_, "deactivated");
  EXPECT_TRUE(service_->cancel_if_no_active_device(alice_).empty());  // the tablet remains
  EXPECT_EQ(push_status(push->txid), "pending");
  set_device_status(tablet, "deactivated");
  EXPECT_EQ(service_->cancel_if_no_active_device(alice_), std::vector<std::string>{push->txid});
  auto read = service_->get_transaction(push->txid, "app_1");
  EXPECT_EQ(read->status, PushStatus::kDenied);
  EXPECT_EQ(read->reason, "no_active_device");
}

TEST_F(PushServiceTest, DeviceAuthenticatesWithItsKey) {
  const std::string nonce = "n0nce";
  auto who = service_->authenticate_device(phone_, nonce,
                                           key_.sign(ws_auth_signed_message(phone_, nonce)));
  ASSERT_TRUE(who) << who.error().code;
  EXPECT_EQ(who->device_id, phone_);
  EXPECT_EQ(who->user_id, alice_);
}

TEST_F(PushServiceTest, DeviceAuthenticationRefusals) {
  const std::string nonce = "n0nce";
  const std::string good = key_.sign(ws_auth_signed_message(phone_, nonce));
  EXPECT_EQ(service_->authenticate_device("dev_unknown", nonce, good).error().code,
            "unknown_device");
  EXPECT_EQ(service_->authenticate_device(phone_, "other-nonce", good).error().code,
            "invalid_signature");
  DeviceKey other;
  EXPECT_EQ(
      service_
          ->authenticate_device(phone_, nonce, other.sign(ws_auth_signed_message(phone_, nonce)))
          .error()
          .code,
      "invalid_signature");
  set_device_status(phone_, "deactivated");
  auto refused = service_->authenticate_device(phone_, nonce, good);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "device_deactivated");
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kForbidden);
}

}  // namespace
}  // namespace twostep::push::testing
