// Sign-in codes by text message and call: sending, checking, expiry, lockout, rate limits.
#include <atomic>
#include <thread>

#include "tests/unit/phone/fixture.hpp"

namespace twostep::phone::testing {
namespace {

using std::chrono::seconds;

class SignInCodes : public PhoneTest {
 protected:
  void SetUp() override {
    PhoneTest::SetUp();
    if (IsSkipped()) return;
    alice_ = add_user("alice", "sms");
    put_phone(alice_, PhoneType::kMobile, "+31612345678");
  }
  std::string tx_status(const std::string& txid) {
    return store_->read([&](store::Tx& tx) {
      return tx.query_one("SELECT status FROM phone_transactions WHERE id = ?", {txid})->text(0);
    });
  }
  std::string alice_;
};

TEST_P(SignInCodes, ASentCodeApprovesOnce) {
  const auto tx = send_code(alice_);
  ASSERT_TRUE(tx) << tx.error().code;
  EXPECT_TRUE(tx->txid.starts_with("stx_"));
  EXPECT_EQ(tx->phone, PhoneType::kMobile);
  EXPECT_EQ(tx->channel, Channel::kSms);
  EXPECT_EQ(tx->expires_at, clock_.now() + seconds(600));
  ASSERT_EQ(provider_.sent.size(), 1u);
  EXPECT_EQ(provider_.last().to, "+31612345678");
  EXPECT_EQ(provider_.last().purpose, Purpose::kSignIn);
  EXPECT_NE(provider_.last().text.find(last_code()), std::string::npos);
  EXPECT_EQ(audit_rows("phone.code_requested", "success"), 1);

  const auto check = verify(tx->txid, last_code());
  ASSERT_TRUE(check) << check.error().code;
  EXPECT_EQ(check->status, CodeStatus::kApproved);
  EXPECT_EQ(check->reason, "");
  EXPECT_EQ(check->user_id, alice_);
  EXPECT_EQ(changed_txids_, std::vector<std::string>{tx->txid});
  EXPECT_EQ(audit_rows("phone.code_verify", "success"), 1);
  // The phone is now known to reach its owner.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM phones WHERE verified_at IS NOT NULL"), 1);

  const auto again = verify(tx->txid, last_code());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "transaction_already_answered");
  const auto read = service_->get_transaction(tx->txid, "app_1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, CodeStatus::kApproved);
  EXPECT_EQ(read->channel, Channel::kSms);
  EXPECT_TRUE(read->answered_at);
}

TEST_P(SignInCodes, TheCodeIsStoredOnlyAsAKeyedHash) {
  ASSERT_TRUE(send_code(alice_));
  const std::string code = last_code();
  const std::string stored = store_->read([&](store::Tx& tx) {
    return tx.query_one("SELECT code_hash FROM phone_transactions")->text(0);
  });
  EXPECT_EQ(stored.size(), 64u);
  EXPECT_EQ(stored.find(code), std::string::npos);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?", "%" + code + "%"), 0);
}

TEST_P(SignInCodes, AnOfficePhoneIsCalledAndTheCodeReadDigitByDigit) {
  put_phone(alice_, PhoneType::kOffice, "+14255550100", "123");
  const auto tx = send_code(alice_, PhoneType::kOffice);
  ASSERT_TRUE(tx) << tx.error().code;
  EXPECT_EQ(tx->channel, Channel::kVoice);
  const Message& call = provider_.last();
  EXPECT_EQ(call.channel, Channel::kVoice);
  EXPECT_EQ(call.extension, "123");
  const std::string& c = call.code;
  const std::string spelled =
      std::string(1, c[0]) + ", " + c[1] + ", " + c[2] + ", " + c[3] + ", " + c[4] + ", " + c[5];
  EXPECT_EQ(call.text, "Your twostep code is " + spelled + ". Again: " + spelled + ".");
  EXPECT_EQ(verify(tx->txid, c)->status, CodeStatus::kApproved);
}

TEST_P(SignInCodes, AnOfficePhoneTakesNoTextMessages) {
  put_phone(alice_, PhoneType::kOffice, "+14255550100");
  const auto tx = send_code(alice_, PhoneType::kOffice, Channel::kSms);
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().code, "unsupported_method");
  EXPECT_EQ(tx.error().field, "method");
  EXPECT_TRUE(provider_.sent.empty());
  EXPECT_EQ(audit_rows("phone.code_requested", "refused"), 1);
}

TEST_P(SignInCodes, AMobilePhoneCanBeCalledAndVoiceUsersAreCalledByDefault) {
  ASSERT_EQ(send_code(alice_, PhoneType::kMobile, Channel::kVoice)->channel, Channel::kVoice);
  const auto bob = add_user("bob", "voice");
  put_phone(bob, PhoneType::kMobile, "+31687654321");
  ASSERT_EQ(send_code(bob)->channel, Channel::kVoice);
}

TEST_P(SignInCodes, WithoutAMobilePhoneTheNextPhoneIsUsed) {
  const auto bob = add_user("bob", "push");
  EXPECT_EQ(send_code(bob).error().code, "phone_not_found");
  put_phone(bob, PhoneType::kOffice, "+14255550100");
  const auto tx = send_code(bob);
  ASSERT_TRUE(tx);
  EXPECT_EQ(tx->phone, PhoneType::kOffice);
  EXPECT_EQ(tx->channel, Channel::kVoice);
  const auto missing = send_code(bob, PhoneType::kAlternateMobile);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "phone_not_found");
  EXPECT_EQ(missing.error().field, "phone");
}

TEST_P(SignInCodes, WrongCodesMayBeRetriedUntilTheAttemptsRunOut) {
  const auto tx = send_code(alice_);
  const std::string code = last_code();
  const auto first = verify(tx->txid, wrong(code));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, CodeStatus::kPending);
  EXPECT_EQ(first->reason, "invalid_code");
  EXPECT_EQ(first->attempts_remaining, 2);
  EXPECT_EQ(failed_attempts(alice_), 1);
  EXPECT_TRUE(changed_txids_.empty());
  EXPECT_EQ(verify(tx->txid, wrong(code))->attempts_remaining, 1);
  const auto last = verify(tx->txid, wrong(code));
  EXPECT_EQ(last->status, CodeStatus::kDenied);
  EXPECT_EQ(last->reason, "invalid_code");
  EXPECT_EQ(tx_status(tx->txid), "denied");
  EXPECT_EQ(verify(tx->txid, code).error().code, "transaction_already_answered");
  EXPECT_EQ(failed_attempts(alice_), 3);
  EXPECT_EQ(audit_rows("phone.code_verify", "failure"), 3);
}

TEST_P(SignInCodes, ARightCodeClearsEarlierFailures) {
  const auto tx = send_code(alice_);
  ASSERT_EQ(verify(tx->txid, wrong(last_code()))->status, CodeStatus::kPending);
  EXPECT_EQ(failed_attempts(alice_), 1);
  EXPECT_EQ(verify(tx->txid, last_code())->status, CodeStatus::kApproved);
  EXPECT_EQ(failed_attempts(alice_), 0);
}

TEST_P(SignInCodes, AnExpiredCodeIsNotChecked) {
  const auto tx = send_code(alice_);
  clock_.advance(seconds(600));
  const auto check = verify(tx->txid, last_code());
  ASSERT_TRUE(check);
  EXPECT_EQ(check->status, CodeStatus::kExpired);
  EXPECT_EQ(check->reason, "expired");
  EXPECT_EQ(tx_status(tx->txid), "expired");
  EXPECT_EQ(failed_attempts(alice_), 0);
  EXPECT_EQ(verify(tx->txid, last_code())->status, CodeStatus::kExpired);
}

TEST_P(SignInCodes, ReadingAnOverdueTransactionExpiresIt) {
  const auto tx = send_code(alice_);
  EXPECT_EQ(service_->get_transaction(tx->txid, "app_1")->status, CodeStatus::kPending);
  clock_.advance(seconds(601));
  const auto read = service_->get_transaction(tx->txid, "app_1");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, CodeStatus::kExpired);
  EXPECT_EQ(read->reason, "expired");
  EXPECT_EQ(changed_txids_, std::vector<std::string>{tx->txid});
}

TEST_P(SignInCodes, OnlyTheRequesterSeesItsTransaction) {
  const auto tx = send_code(alice_);
  EXPECT_EQ(service_->get_transaction(tx->txid, "app_2").error().code, "transaction_not_found");
  EXPECT_EQ(verify(tx->txid, last_code(), "app_2").error().code, "transaction_not_found");
  EXPECT_EQ(verify("stx_unknown", last_code()).error().code, "transaction_not_found");
  EXPECT_EQ(tx_status(tx->txid), "pending");
}

TEST_P(SignInCodes, ANewCodeSupersedesTheOldOneButNotTheFailureCount) {
  settings_.lockout = {3, 15};
  const auto first = send_code(alice_);
  const std::string first_code = last_code();
  ASSERT_EQ(verify(first->txid, wrong(first_code))->status, CodeStatus::kPending);
  ASSERT_EQ(verify(first->txid, wrong(first_code))->status, CodeStatus::kPending);

  const auto second = send_code(alice_);
  ASSERT_TRUE(second);
  EXPECT_EQ(failed_attempts(alice_), 2);
  EXPECT_EQ(tx_status(first->txid), "denied");
  EXPECT_EQ(verify(first->txid, first_code).error().code, "transaction_already_answered");

  const auto locked = verify(second->txid, wrong(last_code()));
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, CodeStatus::kDenied);
  EXPECT_EQ(locked->reason, "locked_out");
  EXPECT_TRUE(locked->locked_now);
  EXPECT_EQ(locked->retry_after, std::chrono::minutes(15));
  EXPECT_EQ(audit_rows("user.locked_out", "locked"), 1);

  // While locked, no code is even sent.
  const std::size_t sent = provider_.sent.size();
  const auto refused = send_code(alice_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "locked_out");
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kLocked);
  EXPECT_GT(refused.error().retry_after.count(), 0);
  EXPECT_EQ(provider_.sent.size(), sent);
}

TEST_P(SignInCodes, ACodeOfAUserLockedMeanwhileIsDenied) {
  const auto tx = send_code(alice_);
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx2) {
    tx2.exec("UPDATE users SET status = 'blocked' WHERE id = ?", {alice_});
    return true;
  });
  const auto check = verify(tx->txid, last_code());
  ASSERT_TRUE(check);
  EXPECT_EQ(check->status, CodeStatus::kDenied);
  EXPECT_EQ(check->reason, "user_blocked");
  EXPECT_EQ(send_code(alice_).error().code, "user_blocked");
}

TEST_P(SignInCodes, SendingIsLimitedPerUser) {
  put_phone(alice_, PhoneType::kAlternateMobile, "+447400123456");
  for (int i = 0; i < settings_.limits.per_user; ++i) {
    ASSERT_TRUE(send_code(alice_, i % 2 == 0 ? PhoneType::kMobile : PhoneType::kAlternateMobile))
        << i;
    clock_.advance(seconds(60));
  }
  const auto refused = send_code(alice_, PhoneType::kAlternateMobile);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(refused.error().code, "too_many_codes");
  // The first send (at t=0) leaves the 10-minute window at t=600; it is now t=300.
  EXPECT_EQ(refused.error().retry_after, seconds(300));
  EXPECT_EQ(provider_.sent.size(), 5u);
  clock_.advance(seconds(300));
  EXPECT_TRUE(send_code(alice_, PhoneType::kAlternateMobile));
}

TEST_P(SignInCodes, SendingIsLimitedPerNumberAcrossUsers) {
  const auto bob = add_user("bob", "push");
  put_phone(bob, PhoneType::kMobile, "+31612345678");  // a shared phone
  ASSERT_TRUE(send_code(alice_));
  ASSERT_TRUE(send_code(bob));
  ASSERT_TRUE(send_code(alice_));
  const auto refused = send_code(bob);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "too_many_codes");
  EXPECT_EQ(refused.error().retry_after, seconds(600));
}

TEST_P(SignInCodes, AnUndeliverableCodeIsReportedAndItsTransactionDenied) {
  provider_.fail = true;
  const auto tx = send_code(alice_);
  ASSERT_FALSE(tx);
  EXPECT_EQ(tx.error().code, "delivery_failed");
  EXPECT_EQ(tx.error().kind, core::ErrorKind::kUnavailable);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM phone_transactions WHERE status = 'denied' AND "
                   "reason = 'delivery_failed'"),
            1);
  EXPECT_EQ(audit_rows("phone.delivery_failed", "failure"), 1);
  EXPECT_EQ(changed_txids_.size(), 1u);
}

TEST_P(SignInCodes, TheWebSignInFindsItsPendingCode) {
  EXPECT_FALSE(service_->latest_pending_txid("session:s1", alice_));
  const auto tx = send_code(alice_, std::nullopt, std::nullopt, "session:s1");
  ASSERT_TRUE(tx);
  EXPECT_EQ(service_->latest_pending_txid("session:s1", alice_), tx->txid);
  EXPECT_FALSE(service_->latest_pending_txid("session:s2", alice_));
  clock_.advance(seconds(600));
  EXPECT_FALSE(service_->latest_pending_txid("session:s1", alice_));
}

TEST_P(SignInCodes, RemovingThePhoneEndsItsPendingCodes) {
  put_phone(alice_, PhoneType::kAlternateMobile, "+447400123456");
  const auto tx = send_code(alice_, PhoneType::kAlternateMobile);
  ASSERT_TRUE(service_->remove_phone(alice_, PhoneType::kAlternateMobile, who_));
  EXPECT_EQ(tx_status(tx->txid), "denied");
  EXPECT_EQ(changed_txids_, std::vector<std::string>{tx->txid});
}

// Several requests with the right code at once (retries, two nodes): one approval.
TEST_P(SignInCodes, TheSameCodeAtOnceApprovesExactlyOnce) {
  const auto tx = send_code(alice_);
  const std::string code = last_code();
  std::atomic<int> approved{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      const auto check = verify(tx->txid, code);
      if (check && check->status == CodeStatus::kApproved) ++approved;
      if (!check && check.error().code == "transaction_already_answered") ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(approved, 1);
  EXPECT_EQ(refused, 5);
  EXPECT_EQ(audit_rows("phone.code_verify", "success"), 1);
}

// Requests racing for the last sends of a number: the limit holds.
TEST_P(SignInCodes, ConcurrentSendsRespectTheLimit) {
  std::atomic<int> sent{0};
  std::atomic<int> limited{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      const auto tx = send_code(alice_, std::nullopt, std::nullopt, "app_" + std::to_string(i));
      if (tx) ++sent;
      if (!tx && tx.error().code == "too_many_codes") ++limited;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(sent, settings_.limits.per_number);
  EXPECT_EQ(limited, 6 - settings_.limits.per_number);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM phone_code_sends"), settings_.limits.per_number);
}

TWOSTEP_STORE_BACKENDS(SignInCodes);

}  // namespace
}  // namespace twostep::phone::testing
