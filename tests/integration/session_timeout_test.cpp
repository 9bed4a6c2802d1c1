// Idle and absolute session limits, enforced by the server: the test moves the server's
// clock (TWOSTEP_TEST_CLOCK_FILE, test builds only) instead of waiting.
#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {
namespace {

using namespace std::chrono_literals;

class SessionTimeout : public SessionTest {
 protected:
  void SetUp() override {
    if (!core::ServerClock::test_hooks_enabled()) {
      GTEST_SKIP() << "this build does not let tests move the server clock (TWOSTEP_TEST_HOOKS)";
    }
    SessionTest::SetUp();
    const std::string id = create_user("alice");
    phone_ = admin_phone(id);
    session_ = sign_in_with_totp(http(), "alice", kPassword, phone_.secret);
  }
  unsigned me() { return http().get("/v1/me", session_.read_headers()).status; }

  Phone phone_;
  WebSession session_;
};

TEST_F(SessionTimeout, IdleSessionEndsWithinAnHour) {
  move_clock(29min);
  EXPECT_EQ(me(), 200u);  // activity keeps it alive
  move_clock(29min + 29min);
  EXPECT_EQ(me(), 200u);
  move_clock(29min + 29min + 61min);
  EXPECT_EQ(me(), 401u);
}

TEST_F(SessionTimeout, AbsoluteLimitEndsAnActiveSessionAfterTwelveHours) {
  auto offset = 0min;
  while (offset < 11h + 50min) {
    offset += 25min;
    move_clock(offset);
    ASSERT_EQ(me(), offset < 12h ? 200u : 401u) << offset.count() << " minutes";
  }
  move_clock(12h + 1min);
  EXPECT_EQ(me(), 401u);
}

TEST_F(SessionTimeout, UnfinishedSecondStepEnds) {
  SignIn pending = sign_in(http(), "alice", kPassword);
  move_clock(16min);
  EXPECT_EQ(http().get("/v1/session", pending.session.read_headers()).status, 401u);
}

}  // namespace
}  // namespace twostep::itest
