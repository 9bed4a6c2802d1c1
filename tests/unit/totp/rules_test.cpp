#include "totp/rules.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "core/clock.hpp"
#include "core/secret.hpp"
#include "totp/otp.hpp"

namespace twostep::totp {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(TotpReplay, AcceptsOnlyStepsAfterTheLastAccepted) {
  EXPECT_TRUE(is_fresh_step(std::nullopt, 0));
  EXPECT_TRUE(is_fresh_step(std::nullopt, 56'666'666));
  EXPECT_TRUE(is_fresh_step(100, 101));
  EXPECT_FALSE(is_fresh_step(100, 100));
  EXPECT_FALSE(is_fresh_step(100, 99));
}

TEST(TotpVerify, RejectsReplayInSameStep) {
  const auto secret = core::SecretBytes::from_string("12345678901234567890");
  const Params params;
  core::ManualClock clock(core::from_unix_seconds(1'700'000'000));
  std::optional<std::int64_t> last_step;

  auto code = totp_code(secret.view(), params, core::unix_seconds(clock.now()));
  ASSERT_TRUE(code.has_value());
  auto first = verify_totp(secret.view(), params, *code, core::unix_seconds(clock.now()), 1);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(is_fresh_step(last_step, *first));
  last_step = first;

  clock.advance(seconds(5));  // same step
  auto again = verify_totp(secret.view(), params, *code, core::unix_seconds(clock.now()), 1);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(is_fresh_step(last_step, *again));

  clock.advance(seconds(30));  // next step: the old code is inside the window but replayed
  auto later = verify_totp(secret.view(), params, *code, core::unix_seconds(clock.now()), 1);
  ASSERT_TRUE(later.has_value());
  EXPECT_FALSE(is_fresh_step(last_step, *later));

  auto fresh = totp_code(secret.view(), params, core::unix_seconds(clock.now()));
  auto next = verify_totp(secret.view(), params, *fresh, core::unix_seconds(clock.now()), 1);
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(is_fresh_step(last_step, *next));
}

TEST(Lockout, PolicyIsClamped) {
  EXPECT_EQ((LockoutPolicy{0, 15}.normalised().threshold), 1);
  EXPECT_EQ((LockoutPolicy{101, 15}.normalised().threshold), 100);
  EXPECT_EQ((LockoutPolicy{5000, 15}.normalised().threshold), 100);
  EXPECT_EQ((LockoutPolicy{10, 0}.normalised().lockout_minutes), 1);
  EXPECT_EQ((LockoutPolicy{10, 30}.normalised().lockout_minutes), 30);
}

TEST(Lockout, LocksAtThresholdForTheConfiguredMinutes) {
  const LockoutPolicy policy{3, 10};
  core::ManualClock clock(core::from_unix_seconds(1'700'000'000));
  auto now = [&] { return core::unix_seconds(clock.now()); };
  LockoutState state;
  for (int i = 1; i < 3; ++i) {
    auto out = record_failure(policy, state, now());
    EXPECT_FALSE(out.locked_now);
    EXPECT_FALSE(is_locked(out.state, now()));
    state = out.state;
    clock.advance(seconds(1));
  }
  auto third = record_failure(policy, state, now());
  EXPECT_TRUE(third.locked_now);
  EXPECT_EQ(third.state.failed_attempts, 3);
  state = third.state;
  EXPECT_TRUE(is_locked(state, now()));

  clock.advance(minutes(10) - seconds(1));
  EXPECT_TRUE(is_locked(state, now()));
  clock.advance(seconds(1));
  EXPECT_FALSE(is_locked(state, now()));
}

TEST(Lockout, FailureAfterALockEndsLocksAgainAtOnce) {
  const LockoutPolicy policy{2, 5};
  core::ManualClock clock(core::from_unix_seconds(1'700'000'000));
  auto now = [&] { return core::unix_seconds(clock.now()); };
  LockoutState state = record_failure(policy, {}, now()).state;
  state = record_failure(policy, state, now()).state;
  ASSERT_TRUE(is_locked(state, now()));
  clock.advance(minutes(6));
  ASSERT_FALSE(is_locked(state, now()));
  auto out = record_failure(policy, state, now());
  EXPECT_TRUE(out.locked_now);
  EXPECT_TRUE(is_locked(out.state, now()));
  EXPECT_EQ(out.state.failed_attempts, 3);
}

TEST(Lockout, SuccessResetsTheCount) {
  const LockoutPolicy policy{3, 10};
  LockoutState state = record_failure(policy, {}, 100).state;
  state = record_failure(policy, state, 101).state;
  state = record_success();
  EXPECT_EQ(state, LockoutState{});
  // Two more failures do not lock: the count started again.
  state = record_failure(policy, state, 102).state;
  auto out = record_failure(policy, state, 103);
  EXPECT_FALSE(out.locked_now);
  EXPECT_FALSE(is_locked(out.state, 103));
}

TEST(Lockout, DefaultThresholdIsTen) {
  const LockoutPolicy policy;
  LockoutState state;
  for (int i = 0; i < 9; ++i) {
    auto out = record_failure(policy, state, 1000);
    ASSERT_FALSE(out.locked_now) << i;
    state = out.state;
  }
  auto tenth = record_failure(policy, state, 1000);
  EXPECT_TRUE(tenth.locked_now);
  EXPECT_EQ(tenth.state.locked_until, 1000 + 15 * 60);
}

}  // namespace
}  // namespace twostep::totp
