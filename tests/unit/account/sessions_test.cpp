#include "account/sessions.hpp"

#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "core/encoding.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

using namespace std::chrono_literals;

class Sessions : public testing::AccountTest {
 protected:
  void SetUp() override { user_id_ = create("alice"); }

  std::string create(const std::string& username) {
    auto created = write([&](store::Tx& tx) {
      return create_user(tx, env_, who_, {username, "Alice", std::nullopt, Role::kUser});
    });
    EXPECT_TRUE(created);
    return created->user.id;
  }
  NewSession start(SessionStage stage = SessionStage::kDone) {
    NewSession out;
    store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      out = create_session(tx, env_, who_, user_id_, stage);
      return true;
    });
    return out;
  }
  std::optional<Session> find(const std::string& token) {
    return read([&](store::Tx& tx) { return find_session(tx, clock_, token); });
  }
  core::Result<Session> authenticate(const std::string& token) {
    return authenticate_session(*store_, clock_, token);
  }

  std::string user_id_;
};

TEST_F(Sessions, TokenHas256BitsAndIsStoredOnlyHashed) {
  NewSession s = start();
  auto raw = core::base64url_decode(s.token);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 32u);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM sessions WHERE token_hash = '" + core::sha256_hex(s.token) + "'"),
      1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions WHERE token_hash = '" + s.token + "'"), 0);
  EXPECT_EQ(audit_rows("session.created"), 1);
}

TEST_F(Sessions, EverySignInGetsANewToken) {
  NewSession a = start();
  NewSession b = start();
  EXPECT_NE(a.token, b.token);
  EXPECT_NE(a.session.id, b.session.id);
}

TEST_F(Sessions, FindsTheSessionOfItsTokenOnly) {
  NewSession s = start();
  auto found = find(s.token);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user_id, user_id_);
  EXPECT_EQ(found->username, "alice");
  EXPECT_EQ(found->stage, SessionStage::kDone);
  EXPECT_FALSE(find(s.token + "x"));
  EXPECT_FALSE(find(""));
}

TEST_F(Sessions, IdleSessionEndsOnTheServer) {
  NewSession s = start();
  clock_.advance(kSessionIdleTimeout - 1s);
  EXPECT_TRUE(authenticate(s.token));  // activity resets the idle timer
  clock_.advance(kSessionIdleTimeout - 1s);
  EXPECT_TRUE(authenticate(s.token));
  clock_.advance(kSessionIdleTimeout + 1s);
  auto ended = authenticate(s.token);
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code, "unauthenticated");
}

TEST_F(Sessions, AbsoluteLimitEndsEvenAnActiveSession) {
  NewSession s = start();
  EXPECT_LE(kSessionIdleTimeout, 1h);
  EXPECT_LE(kSessionAbsoluteTimeout, 12h);
  for (auto elapsed = 0min; elapsed < kSessionAbsoluteTimeout - 10min; elapsed += 10min) {
    clock_.advance(10min);
    ASSERT_TRUE(authenticate(s.token)) << "after " << elapsed.count() << " minutes";
  }
  clock_.advance(11min);
  EXPECT_FALSE(authenticate(s.token));
}

TEST_F(Sessions, TouchWritesAtMostOncePerInterval) {
  NewSession s = start();
  auto last_seen = [&] {
    return count("SELECT last_seen_at FROM sessions WHERE id = '" + s.session.id + "'");
  };
  const std::int64_t created = last_seen();
  clock_.advance(kSessionTouchInterval - 1s);
  ASSERT_TRUE(authenticate(s.token));
  EXPECT_EQ(last_seen(), created);
  clock_.advance(2s);
  ASSERT_TRUE(authenticate(s.token));
  EXPECT_EQ(last_seen(), created + kSessionTouchInterval.count() + 1);
}

TEST_F(Sessions, SecondStepMustFinishQuickly) {
  NewSession s = start(SessionStage::kMfa);
  clock_.advance(kSecondStepTimeout - 1min);
  EXPECT_TRUE(authenticate(s.token));
  clock_.advance(2min);
  EXPECT_FALSE(authenticate(s.token));
}

TEST_F(Sessions, DisabledUsersSessionStopsWorking) {
  NewSession s = start();
  write([&](store::Tx& tx) {
    UserPatch patch;
    patch.status = UserStatus::kDisabled;
    return update_user(tx, env_, who_, user_id_, patch);
  });
  EXPECT_FALSE(find(s.token));
}

TEST_F(Sessions, AdvanceMovesOnlyFromTheExpectedStage) {
  NewSession s = start(SessionStage::kMfa);
  auto advance = [&](SessionStage from, SessionStage to) {
    return write([&](store::Tx& tx) {
      return advance_session(tx, clock_, who_, s.session.id, from, to, "totp");
    });
  };
  auto wrong = advance(SessionStage::kRegister, SessionStage::kDone);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "invalid_stage");
  ASSERT_TRUE(advance(SessionStage::kMfa, SessionStage::kDone));
  EXPECT_EQ(find(s.token)->stage, SessionStage::kDone);
  EXPECT_FALSE(advance(SessionStage::kMfa, SessionStage::kDone));  // only once
  EXPECT_EQ(audit_rows("session.stage"), 1);
}

TEST_F(Sessions, EndSessionSignsOutOnTheServer) {
  NewSession s = start();
  NewSession other = start();
  bool ended = false;
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    ended = end_session(tx, clock_, who_, s.session.id);
    return true;
  });
  EXPECT_TRUE(ended);
  EXPECT_FALSE(find(s.token));
  EXPECT_TRUE(find(other.token));
  EXPECT_EQ(audit_rows("session.ended"), 1);
}

TEST_F(Sessions, EndUserSessionsEndsThemAll) {
  NewSession a = start();
  NewSession b = start();
  std::int64_t n = 0;
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    n = end_user_sessions(tx, user_id_);
    return true;
  });
  EXPECT_EQ(n, 2);
  EXPECT_FALSE(find(a.token));
  EXPECT_FALSE(find(b.token));
}

TEST_F(Sessions, DeletingTheUserDeletesTheirSessions) {
  start();
  write([&](store::Tx& tx) { return delete_user(tx, env_, who_, user_id_); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 0);
}

TEST_F(Sessions, CsrfTokenIsPerSessionAndChecked) {
  NewSession a = start();
  NewSession b = start();
  const std::string csrf = csrf_token_for(a.token);
  EXPECT_GE(core::base64url_decode(csrf)->size(), 16u);
  EXPECT_EQ(csrf, csrf_token_for(a.token));
  EXPECT_NE(csrf, csrf_token_for(b.token));
  EXPECT_NE(csrf, a.token);
  EXPECT_TRUE(csrf_token_matches(a.token, csrf));
  EXPECT_FALSE(csrf_token_matches(b.token, csrf));
  EXPECT_FALSE(csrf_token_matches(a.token, ""));
}

}  // namespace
}  // namespace twostep::account
