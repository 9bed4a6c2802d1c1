#include "activation/verifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "activation/devices.hpp"
#include "activation/oath_tokens.hpp"
#include "tests/unit/activation/activation_fixture.hpp"

namespace twostep::activation {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

class Verifier : public ActivationTest {
 protected:
  TotpVerdict verify(const std::string& user, const std::string& code) {
    return verify_user_totp(*store_, clock_, sealer_, who_, user, code, policy_);
  }
  std::int64_t failed_attempts(const std::string& user_id) {
    return count("SELECT failed_attempts FROM users WHERE id = ?", {user_id});
  }
  // A code that is well-formed but wrong for every credential of the user at this time.
  std::string wrong_code(const ActivatedDevice& device) {
    const std::string right = code_for(device.totp_secret_base32);
    for (int i = 0;; ++i) {
      std::string candidate = std::to_string(100000 + i);
      bool matches = false;
      for (int s = -1; s <= 1; ++s)
        matches |= candidate == code_for(device.totp_secret_base32, {}, s);
      if (!matches && candidate != right) return candidate;
    }
  }

  TotpPolicy policy_{1, {10, 10}};
};

TEST_F(Verifier, ApprovesACurrentCodeAndRecordsItsStep) {
  const std::string user = add_user("alice");
  const auto device = enrolled_device(user);
  const auto verdict = verify("alice", code_for(device.totp_secret_base32));
  EXPECT_TRUE(verdict.approved);
  EXPECT_EQ(verdict.reason, "");
  EXPECT_EQ(verdict.user_id, user);
  EXPECT_EQ(verdict.credential_id, device.credential_id);
  EXPECT_EQ(count("SELECT last_step FROM totp_credentials WHERE id = ?", {device.credential_id}),
            totp::time_step(now(), 30));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE type = 'totp.verify' "
                  "AND result = 'approved' AND device_id = ?",
                  {device.device_id}),
            1);
}

TEST_F(Verifier, AcceptsTheWindowAndNothingBeyond) {
  add_user("alice");
  const auto device = enrolled_device("alice");
  EXPECT_FALSE(verify("alice", code_for(device.totp_secret_base32, {}, -2)).approved);
  EXPECT_TRUE(verify("alice", code_for(device.totp_secret_base32, {}, -1)).approved);
  clock_.advance(seconds(30));
  EXPECT_FALSE(verify("alice", code_for(device.totp_secret_base32, {}, 2)).approved);
  EXPECT_TRUE(verify("alice", code_for(device.totp_secret_base32, {}, 1)).approved);
}

TEST_F(Verifier, RejectsReplayInSameStepAndEarlierSteps) {
  add_user("alice");
  const auto device = enrolled_device("alice");
  const std::string code = code_for(device.totp_secret_base32);
  ASSERT_TRUE(verify("alice", code).approved);
  clock_.advance(seconds(5));
  auto replay = verify("alice", code);
  EXPECT_FALSE(replay.approved);
  EXPECT_EQ(replay.reason, "replayed_code");
  // The previous step's code is inside the window but before the accepted step.
  clock_.advance(seconds(30));
  EXPECT_EQ(verify("alice", code_for(device.totp_secret_base32, {}, -2)).reason, "invalid_code");
  EXPECT_EQ(verify("alice", code).reason, "replayed_code");
  EXPECT_TRUE(verify("alice", code_for(device.totp_secret_base32)).approved);
}

TEST_F(Verifier, AcceptedStepSurvivesReopeningTheStore) {
  add_user("alice");
  const auto device = enrolled_device("alice");
  const std::string code = code_for(device.totp_secret_base32);
  ASSERT_TRUE(verify("alice", code).approved);
  store_.reset();
  store_ = store::open_store("sqlite:" + (dir_ / "twostep.db").string());
  EXPECT_EQ(verify("alice", code).reason, "replayed_code");
}

TEST_F(Verifier, ConcurrentRequestsWithOneCodeApproveExactlyOnce) {
  add_user("alice");
  const auto device = enrolled_device("alice");
  auto second_store = store::open_store("sqlite:" + (dir_ / "twostep.db").string());
  for (int round = 0; round < 5; ++round) {
    clock_.advance(seconds(30));
    const std::string code = code_for(device.totp_secret_base32);
    std::atomic<int> approved{0}, replayed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
      store::Store& s = i % 2 == 0 ? *store_ : *second_store;
      threads.emplace_back([&, &s = s] {
        auto v = verify_user_totp(s, clock_, sealer_, who_, "alice", code, {1, {100, 10}});
        if (v.approved) ++approved;
        if (v.reason == "replayed_code") ++replayed;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(approved.load(), 1);
    EXPECT_EQ(replayed.load(), 5);
  }
}

TEST_F(Verifier, UnknownUserLooksLikeAWrongCode) {
  const std::string user = add_user("alice");
  const auto device = enrolled_device(user);
  const auto unknown = verify("mallory", code_for(device.totp_secret_base32));
  const auto wrong = verify("alice", wrong_code(device));
  EXPECT_FALSE(unknown.approved);
  EXPECT_EQ(unknown.reason, "invalid_code");
  EXPECT_EQ(wrong.reason, "invalid_code");
  EXPECT_EQ(unknown.retry_after, wrong.retry_after);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE type = 'totp.verify' AND user_id IS NULL "
                  "AND detail LIKE '%mallory%'"),
            1);
}

TEST_F(Verifier, MalformedCodesAreInvalidAndCount) {
  const std::string user = add_user("alice");
  enrolled_device(user);
  for (const char* code : {"", "12345", "1234567", "abcdef", "12 345"}) {
    EXPECT_EQ(verify("alice", code).reason, "invalid_code") << code;
  }
  EXPECT_EQ(failed_attempts(user), 5);
}

TEST_F(Verifier, LocksOutAtTheThresholdUntilTheTimeIsUp) {
  policy_.lockout = {3, 10};
  const std::string user = add_user("alice");
  const auto device = enrolled_device(user);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(verify("alice", wrong_code(device)).reason, "invalid_code");
  }
  EXPECT_EQ(audit_count("user.locked_out"), 1);
  // Locked: even the right code is refused, and not counted.
  auto locked = verify("alice", code_for(device.totp_secret_base32));
  EXPECT_EQ(locked.reason, "locked_out");
  EXPECT_EQ(locked.retry_after, minutes(10));
  EXPECT_EQ(failed_attempts(user), 3);

  clock_.advance(minutes(10) - seconds(1));
  EXPECT_EQ(verify("alice", code_for(device.totp_secret_base32)).reason, "locked_out");
  clock_.advance(seconds(1));
  EXPECT_TRUE(verify("alice", code_for(device.totp_secret_base32)).approved);
  EXPECT_EQ(failed_attempts(user), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM users WHERE id = ? AND locked_until IS NULL", {user}), 1);
}

TEST_F(Verifier, AFailureAfterTheLockEndsLocksAgain) {
  policy_.lockout = {3, 10};
  const std::string user = add_user("alice");
  const auto device = enrolled_device(user);
  for (int i = 0; i < 3; ++i) verify("alice", wrong_code(device));
  clock_.advance(minutes(11));
  EXPECT_EQ(verify("alice", wrong_code(device)).reason, "invalid_code");
  EXPECT_EQ(verify("alice", code_for(device.totp_secret_base32)).reason, "locked_out");
  EXPECT_EQ(audit_count("user.locked_out"), 2);
}

TEST_F(Verifier, SuccessResetsTheCount) {
  const std::string user = add_user("alice");
  const auto device = enrolled_device(user);
  verify("alice", wrong_code(device));
  verify("alice", wrong_code(device));
  EXPECT_EQ(failed_attempts(user), 2);
  EXPECT_TRUE(verify("alice", code_for(device.totp_secret_base32)).approved);
  EXPECT_EQ(failed_attempts(user), 0);
  clock_.advance(seconds(30));
  verify("alice", wrong_code(device));
  verify("alice", wrong_code(device));
  EXPECT_TRUE(verify("alice", code_for(device.totp_secret_base32)).approved);
}

TEST_F(Verifier, ReplayCountsAsAFailure) {
  const std::string user = add_user("alice");
  const auto device = enrolled_device(user);
  const std::string code = code_for(device.totp_secret_base32);
  ASSERT_TRUE(verify("alice", code).approved);
  EXPECT_EQ(verify("alice", code).reason, "replayed_code");
  EXPECT_EQ(failed_attempts(user), 1);
}

TEST_F(Verifier, DisabledAndBlockedUsersAreDenied) {
  const std::string user = add_user("alice");
  const auto device = enrolled_device(user);
  auto set_status = [&](const char* status) {
    store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      tx.exec("UPDATE users SET status = ? WHERE id = ?", {std::string(status), user});
      return true;
    });
  };
  set_status("blocked");
  EXPECT_EQ(verify("alice", code_for(device.totp_secret_base32)).reason, "user_blocked");
  set_status("disabled");
  EXPECT_EQ(verify("alice", code_for(device.totp_secret_base32)).reason, "user_disabled");
  EXPECT_EQ(failed_attempts(user), 0);
  set_status("active");
  EXPECT_TRUE(verify("alice", code_for(device.totp_secret_base32)).approved);
}

TEST_F(Verifier, UserWithoutCredentialsIsDeniedAndCounted) {
  const std::string user = add_user("alice");
  EXPECT_EQ(verify("alice", "123456").reason, "invalid_code");
  EXPECT_EQ(failed_attempts(user), 1);
}

TEST_F(Verifier, TamperedSecretFailsClosedAndIsAudited) {
  const std::string user = add_user("alice");
  const auto broken = enrolled_device(user);
  const auto good = enrolled_device(user);
  // Put the other credential's sealed secret on this row: the aad no longer matches.
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec(
        "UPDATE totp_credentials SET secret_sealed = (SELECT secret_sealed FROM "
        "totp_credentials WHERE id = ?) WHERE id = ?",
        {good.credential_id, broken.credential_id});
    return true;
  });
  EXPECT_EQ(verify("alice", code_for(broken.totp_secret_base32)).reason, "invalid_code");
  EXPECT_GE(audit_count("totp.secret_invalid"), 1);
  clock_.advance(seconds(30));
  EXPECT_TRUE(verify("alice", code_for(good.totp_secret_base32)).approved);
}

TEST_F(Verifier, ActiveOathTokensVerifyPendingOnesDoNot) {
  const std::string user = add_user("alice");
  auto token = store_->write([&](store::Tx& tx) {
    return create_oath_token(tx, clock_, random_, sealer_, who_, user, "Authy", "twostep");
  });
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(verify("alice", code_for(token->secret_base32)).reason, "invalid_code");
  ASSERT_TRUE(store_->write([&](store::Tx& tx) {
    return verify_oath_token(tx, clock_, sealer_, who_, user, token->token.id,
                             code_for(token->secret_base32), 1);
  }));
  // The proving code itself cannot sign in again.
  EXPECT_EQ(verify("alice", code_for(token->secret_base32)).reason, "replayed_code");
  clock_.advance(seconds(30));
  auto verdict = verify("alice", code_for(token->secret_base32));
  EXPECT_TRUE(verdict.approved);
  EXPECT_EQ(verdict.credential_id, token->token.id);
  EXPECT_FALSE(verdict.device_id.has_value());
}

}  // namespace
}  // namespace twostep::activation
