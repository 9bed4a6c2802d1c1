// create_push: the new transaction, who may be pushed, and the push-fatigue limits.
#include <set>

#include "tests/unit/push/fixture.hpp"

namespace twostep::push::testing {
namespace {

using namespace std::chrono_literals;

class PushCreate : public PushTest {
 protected:
  PushCreate() : alice_(add_user("alice")), phone_(add_device(alice_, key_)) {}

  DeviceKey key_;
  std::string alice_;
  std::string phone_;
};

TEST_F(PushCreate, CreatesPendingPushWithTwoDigitNumber) {
  auto push = push_for(alice_);
  ASSERT_TRUE(push) << push.error().code;
  EXPECT_TRUE(push->txid.starts_with("ptx_"));
  ASSERT_EQ(push->number.size(), 2u);
  const int number = std::stoi(push->number);
  EXPECT_GE(number, 10);
  EXPECT_LE(number, 99);
  EXPECT_EQ(push->expires_at, clock_.now() + 60s);
  EXPECT_EQ(push_status(push->txid), "pending");
  EXPECT_EQ(audit_rows("push.request", "success"), 1);
}

TEST_F(PushCreate, DeliversToTheUsersDevicesWithContext) {
  auto push = push_for(alice_);
  ASSERT_TRUE(push);
  ASSERT_EQ(fanout_.pushes.size(), 1u);
  const PushTransaction& delivered = fanout_.pushes[0];
  EXPECT_EQ(delivered.txid, push->txid);
  EXPECT_EQ(delivered.user_id, alice_);
  EXPECT_EQ(delivered.requester.name, "VPN");
  EXPECT_EQ(delivered.context.ip, "203.0.113.9");
  EXPECT_EQ(delivered.context.location, "Oslo");
  EXPECT_EQ(delivered.context.browser, "Firefox");
}

TEST_F(PushCreate, NumbersVaryAcrossPushes) {
  settings_.max_outstanding = 20;
  settings_.max_per_minute = 20;
  std::set<std::string> numbers;
  for (int i = 0; i < 20; ++i) numbers.insert(push_for(alice_)->number);
  EXPECT_GT(numbers.size(), 5u);
}

TEST_F(PushCreate, TimeoutComesFromSettings) {
  settings_.timeout = 30s;
  auto push = push_for(alice_);
  ASSERT_TRUE(push);
  EXPECT_EQ(push->expires_at, clock_.now() + 30s);
}

TEST_F(PushCreate, RefusesUserWithoutActiveDevice) {
  set_device_status(phone_, "deactivated");
  auto push = push_for(alice_);
  ASSERT_FALSE(push);
  EXPECT_EQ(push.error().code, "no_active_device");
  EXPECT_TRUE(fanout_.pushes.empty());
  EXPECT_EQ(audit_rows("push.request", "refused"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM push_transactions"), 0);
}

TEST_F(PushCreate, RefusesBlockedUserAs423) {
  const std::string bob = add_user("bob", "blocked");
  add_device(bob, key_);
  auto push = push_for(bob);
  ASSERT_FALSE(push);
  EXPECT_EQ(push.error().code, "user_blocked");
  EXPECT_EQ(push.error().kind, core::ErrorKind::kLocked);
}

TEST_F(PushCreate, RefusesDisabledUserAs403) {
  const std::string bob = add_user("bob", "disabled");
  add_device(bob, key_);
  auto push = push_for(bob);
  ASSERT_FALSE(push);
  EXPECT_EQ(push.error().code, "user_disabled");
  EXPECT_EQ(push.error().kind, core::ErrorKind::kForbidden);
}

TEST_F(PushCreate, RefusesLockedOutUserWithRetryAfter) {
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec("UPDATE users SET failed_attempts = 10, locked_until = ? WHERE id = ?",
            {core::unix_seconds(clock_.now() + 300s), alice_});
    return true;
  });
  auto push = push_for(alice_);
  ASSERT_FALSE(push);
  EXPECT_EQ(push.error().code, "locked_out");
  EXPECT_EQ(push.error().kind, core::ErrorKind::kLocked);
  EXPECT_EQ(push.error().retry_after, 300s);
  clock_.advance(301s);
  EXPECT_TRUE(push_for(alice_));
}

TEST_F(PushCreate, UnknownUserIsNotFound) {
  auto push = push_for("usr_nobody");
  ASSERT_FALSE(push);
  EXPECT_EQ(push.error().code, "user_not_found");
}

TEST_F(PushCreate, OversizeContextIsInvalidInput) {
  PushRequest request{alice_, Requester{"app_1", "VPN"}, PushContext{}, false};
  request.context.browser = std::string(PushContext::kMaxContextField + 1, 'x');
  auto push = service_->create_push(request, settings_, who_);
  ASSERT_FALSE(push);
  EXPECT_EQ(push.error().code, "invalid_context");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM push_transactions"), 0);
}

TEST_F(PushCreate, CapsOutstandingPushesWithRetryAfterAndAudit) {
  settings_.max_outstanding = 2;
  auto first = push_for(alice_);
  clock_.advance(10s);
  ASSERT_TRUE(push_for(alice_));
  auto third = push_for(alice_);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, "too_many_pushes");
  EXPECT_EQ(third.error().kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(third.error().retry_after, 50s);  // until the first one expires
  EXPECT_EQ(audit_rows("push.request", "refused"), 1);
  EXPECT_EQ(fanout_.pushes.size(), 2u);

  // Answering one frees a slot.
  ASSERT_TRUE(answer(phone_, key_, first->txid, Decision::kDeny));
  EXPECT_TRUE(push_for(alice_));
}

TEST_F(PushCreate, ExpiredPushesDoNotCountAsOutstanding) {
  settings_.max_outstanding = 1;
  ASSERT_TRUE(push_for(alice_));
  ASSERT_FALSE(push_for(alice_));
  clock_.advance(61s);
  EXPECT_TRUE(push_for(alice_));
}

TEST_F(PushCreate, CapsPushesPerMinute) {
  settings_.max_per_minute = 3;
  settings_.max_outstanding = 10;
  for (int i = 0; i < 3; ++i) {
    auto push = push_for(alice_);
    ASSERT_TRUE(push);
    ASSERT_TRUE(answer(phone_, key_, push->txid, Decision::kDeny));  // decided, not pending
    clock_.advance(5s);
  }
  auto refused = push_for(alice_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "too_many_pushes");
  EXPECT_EQ(refused.error().retry_after, 45s);  // the first one leaves the window then
  clock_.advance(45s);
  EXPECT_TRUE(push_for(alice_));
}

TEST_F(PushCreate, FatigueIsPerUser) {
  settings_.max_outstanding = 1;
  DeviceKey bob_key;
  const std::string bob = add_user("bob");
  add_device(bob, bob_key);
  ASSERT_TRUE(push_for(alice_));
  EXPECT_TRUE(push_for(bob));
}

}  // namespace
}  // namespace twostep::push::testing
