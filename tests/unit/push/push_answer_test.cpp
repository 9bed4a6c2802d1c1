// answer_push: number matching, signatures, ownership, expiry, first answer wins, fraud.
#include "push/protocol.hpp"
#include "tests/unit/push/fixture.hpp"

namespace twostep::push::testing {
namespace {

using namespace std::chrono_literals;

class PushAnswer : public PushTest {
 protected:
  PushAnswer() : alice_(add_user("alice")), phone_(add_device(alice_, key_)) {
    auto push = push_for(alice_);
    EXPECT_TRUE(push);
    txid_ = push->txid;
    number_ = push->number;
  }

  std::string wrong_number() const { return number_ == "42" ? "43" : "42"; }

  DeviceKey key_;
  std::string alice_;
  std::string phone_;
  std::string txid_;
  std::string number_;
};

TEST_F(PushAnswer, ApproveWithTheRightNumberApproves) {
  auto out = answer(phone_, key_, txid_, Decision::kApprove, number_);
  ASSERT_TRUE(out) << out.error().code;
  EXPECT_EQ(out->status, PushStatus::kApproved);
  EXPECT_EQ(out->reason, "");
  EXPECT_EQ(out->user_id, alice_);
  auto read = service_->get_transaction(txid_, "app_1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, PushStatus::kApproved);
  EXPECT_EQ(read->device_id, phone_);
  EXPECT_TRUE(read->answered_at);
  EXPECT_EQ(audit_rows("push.answer", "approved"), 1);
  EXPECT_EQ(service_->counters().approved.load(), 1u);
}

TEST_F(PushAnswer, ApprovalClearsEarlierFailures) {
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec("UPDATE users SET failed_attempts = 3 WHERE id = ?", {alice_});
    return true;
  });
  ASSERT_TRUE(answer(phone_, key_, txid_, Decision::kApprove, number_));
  EXPECT_EQ(failed_attempts(alice_), 0);
}

TEST_F(PushAnswer, WrongNumberIsDeniedAsMismatchAndCountsAFailure) {
  auto out = answer(phone_, key_, txid_, Decision::kApprove, wrong_number());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, PushStatus::kDenied);
  EXPECT_EQ(out->reason, "number_mismatch");
  EXPECT_EQ(push_status(txid_), "denied");
  EXPECT_EQ(failed_attempts(alice_), 1);
  EXPECT_EQ(service_->get_transaction(txid_, "app_1")->reason, "number_mismatch");
}

TEST_F(PushAnswer, MissingNumberOnApproveIsAMismatch) {
  auto out = answer(phone_, key_, txid_, Decision::kApprove, "");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->reason, "number_mismatch");
  EXPECT_EQ(failed_attempts(alice_), 1);
}

TEST_F(PushAnswer, MismatchesAtTheThresholdLockTheUser) {
  settings_.lockout.threshold = 2;
  settings_.max_outstanding = 5;
  ASSERT_FALSE(answer(phone_, key_, txid_, Decision::kApprove, wrong_number())->locked_out);
  auto second = push_for(alice_);
  ASSERT_TRUE(second);
  const std::string wrong = second->number == "42" ? "43" : "42";
  auto out = answer(phone_, key_, second->txid, Decision::kApprove, wrong);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->locked_out);
  EXPECT_EQ(audit_rows("user.locked_out"), 1);
  auto refused = push_for(alice_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "locked_out");
}

TEST_F(PushAnswer, DenyIsRecordedAsUserDenied) {
  auto out = answer(phone_, key_, txid_, Decision::kDeny);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, PushStatus::kDenied);
  EXPECT_EQ(out->reason, "user_denied");
  EXPECT_EQ(failed_attempts(alice_), 0);
  EXPECT_EQ(user_status(alice_), "active");
}

TEST_F(PushAnswer, FraudBlocksTheUserAndAlertsThroughTheAudit) {
  settings_.max_outstanding = 5;
  auto other = push_for(alice_);
  ASSERT_TRUE(other);
  auto out = answer(phone_, key_, txid_, Decision::kFraud);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, PushStatus::kFraud);
  EXPECT_EQ(push_status(txid_), "fraud");
  EXPECT_EQ(user_status(alice_), "blocked");
  EXPECT_EQ(audit_rows("push.fraud", "fraud"), 1);
  EXPECT_EQ(service_->counters().fraud.load(), 1u);
  // The user's other pending push is settled too, and the devices told.
  EXPECT_EQ(push_status(other->txid), "denied");
  EXPECT_EQ(service_->get_transaction(other->txid, "app_1")->reason, "user_blocked");
  bool cancelled = false;
  for (const auto& c : fanout_.cancels) cancelled = cancelled || c.txid == other->txid;
  EXPECT_TRUE(cancelled);
  // Later sign-ins are refused until an admin unblocks.
  auto again = push_for(alice_);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "user_blocked");
}

TEST_F(PushAnswer, ForgedSignatureIsRefusedAndChangesNothing) {
  DeviceKey attacker;
  AnswerRequest forged{phone_, txid_, Decision::kApprove, number_,
                       attacker.sign(push_signed_message(txid_, Decision::kApprove, number_))};
  auto out = service_->answer_push(forged, settings_, who_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "invalid_signature");
  EXPECT_EQ(push_status(txid_), "pending");
  EXPECT_EQ(audit_rows("push.answer", "refused"), 1);
}

TEST_F(PushAnswer, SignatureMustCoverTheDecisionSent) {
  // Signed "deny", sent as "approve".
  AnswerRequest swapped{phone_, txid_, Decision::kApprove, number_,
                        key_.sign(push_signed_message(txid_, Decision::kDeny, number_))};
  auto out = service_->answer_push(swapped, settings_, who_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "invalid_signature");
  EXPECT_EQ(push_status(txid_), "pending");
}

TEST_F(PushAnswer, MalformedSignatureIsRefused) {
  AnswerRequest garbage{phone_, txid_, Decision::kApprove, number_, "not*base64"};
  auto out = service_->answer_push(garbage, settings_, who_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "invalid_signature");
}

TEST_F(PushAnswer, AnotherUsersDeviceCannotAnswer) {
  DeviceKey mallory_key;
  const std::string mallory = add_user("mallory");
  const std::string mallory_phone = add_device(mallory, mallory_key);
  auto out = answer(mallory_phone, mallory_key, txid_, Decision::kApprove, number_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "transaction_not_found");
  EXPECT_EQ(push_status(txid_), "pending");
}

TEST_F(PushAnswer, DeactivatedDeviceCannotAnswer) {
  set_device_status(phone_, "deactivated");
  auto out = answer(phone_, key_, txid_, Decision::kApprove, number_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "transaction_not_found");
  EXPECT_EQ(push_status(txid_), "pending");
}

TEST_F(PushAnswer, UnknownTransactionIsNotFound) {
  auto out = answer(phone_, key_, "ptx_unknown", Decision::kDeny);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "transaction_not_found");
}

TEST_F(PushAnswer, AnswerAfterExpiryIsGoneAndExpiresThePush) {
  clock_.advance(60s);
  auto out = answer(phone_, key_, txid_, Decision::kApprove, number_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "transaction_expired");
  EXPECT_EQ(out.error().kind, core::ErrorKind::kGone);
  EXPECT_EQ(push_status(txid_), "expired");
  ASSERT_FALSE(fanout_.cancels.empty());
  EXPECT_EQ(fanout_.cancels.back().txid, txid_);
}

TEST_F(PushAnswer, FirstAnswerWinsAndTheOthersAreCancelled) {
  DeviceKey tablet_key;
  const std::string tablet = add_device(alice_, tablet_key);
  ASSERT_EQ(answer(phone_, key_, txid_, Decision::kApprove, number_)->status,
            PushStatus::kApproved);
  // The winner's cancel goes to everyone but the answering device; waiters are woken.
  ASSERT_EQ(fanout_.cancels.size(), 1u);
  EXPECT_EQ(fanout_.cancels[0].user_id, alice_);
  EXPECT_EQ(fanout_.cancels[0].answered_by, phone_);
  EXPECT_EQ(fanout_.changed, std::vector<std::string>{txid_});

  auto late = answer(tablet, tablet_key, txid_, Decision::kDeny);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "transaction_already_answered");
  EXPECT_EQ(late.error().kind, core::ErrorKind::kConflict);
  EXPECT_EQ(push_status(txid_), "approved");
}

TEST_F(PushAnswer, ApprovalAfterTheUserWasBlockedIsDenied) {
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec("UPDATE users SET status = 'disabled' WHERE id = ?", {alice_});
    return true;
  });
  auto out = answer(phone_, key_, txid_, Decision::kApprove, number_);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, PushStatus::kDenied);
  EXPECT_EQ(out->reason, "user_disabled");
}

TEST_F(PushAnswer, TheNumberNeverReachesTheAuditLog) {
  ASSERT_TRUE(answer(phone_, key_, txid_, Decision::kApprove, wrong_number()));
  const std::string needle = "%\"" + number_ + "\"%";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", needle), 0);
}

}  // namespace
}  // namespace twostep::push::testing
