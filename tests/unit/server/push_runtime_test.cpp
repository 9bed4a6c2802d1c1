// The push runtime's long polls and work queue, without a server: the waiter protocol of
// push/waiters.hpp (register, read, arm), wake-ups, time limits and shutdown.
#include "server/push_runtime.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace twostep::server {
namespace {

using namespace std::chrono_literals;
using PollState = PushRuntime::PollState;

HttpResponse text(std::string body) { return HttpResponse{200, "text/plain", std::move(body), {}}; }

// A Respond that fulfils a future (Respond must be copyable, so the promise is shared).
std::pair<Respond, std::future<core::Result<HttpResponse>>> capture() {
  auto promise = std::make_shared<std::promise<core::Result<HttpResponse>>>();
  auto future = promise->get_future();
  return {[promise](core::Result<HttpResponse> r) { promise->set_value(std::move(r)); },
          std::move(future)};
}

class PushRuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime.start([] {});
  }
  // A 30 s long poll whose first read returns `first` and notifies the waiter while it
  // runs (a decision landing during that read); later reads return `later`. The answer's
  // body.
  std::string decided_during_first_read(PollState first, PollState later) {
    auto [respond, answer] = capture();
    std::atomic<int> reads{0};
    runtime.long_poll(
        waiters, "ptx_1", 30s,
        [&] {
          if (reads++ > 0) return later;
          waiters.notify("ptx_1");
          return first;
        },
        respond);
    if (answer.wait_for(10s) != std::future_status::ready) return "no answer";
    auto result = answer.get();
    return result ? result->body : "error";
  }

  push::TransactionWaiters waiters;
  PushRuntime runtime{2};
};

TEST_F(PushRuntimeTest, AnswersAtOnceWhenTheFirstReadIsFinal) {
  auto [respond, answer] = capture();
  runtime.long_poll(
      waiters, "ptx_1", 30s,
      [] {
        return PollState{text("approved"), false};
      },
      respond);
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(answer.get()->body, "approved");
  EXPECT_EQ(waiters.size(), 0u);
  EXPECT_EQ(runtime.waiting_polls(), 0u);
}

TEST_F(PushRuntimeTest, TheReadThatSeesTheDecisionIsTheOneAnswered) {
  // A read can have an effect only the first reader gets (the web sign-in's remember
  // cookie): when the decision lands during the first read, that read must be the answer.
  EXPECT_EQ(decided_during_first_read(PollState{text("approved, first reader"), false},
                                      PollState{text("approved, later reader"), false}),
            "approved, first reader");
  EXPECT_EQ(runtime.waiting_polls(), 0u);
}

TEST_F(PushRuntimeTest, ZeroWaitAnswersWithTheCurrentState) {
  auto [respond, answer] = capture();
  runtime.long_poll(
      waiters, "ptx_1", 0s,
      [] {
        return PollState{text("pending"), true};
      },
      respond);
  ASSERT_EQ(answer.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(answer.get()->body, "pending");
  EXPECT_EQ(waiters.size(), 0u);
}

TEST_F(PushRuntimeTest, WakesAsSoonAsTheTransactionChanges) {
  std::atomic<bool> decided{false};
  auto [respond, answer] = capture();
  runtime.long_poll(
      waiters, "ptx_1", 30s,
      [&] {
        return decided ? PollState{text("approved"), false} : PollState{text("pending"), true};
      },
      respond);
  // Registered before the call returned: no change can slip between read and wait.
  EXPECT_EQ(waiters.size(), 1u);
  EXPECT_EQ(runtime.waiting_polls(), 1u);
  EXPECT_EQ(waiters.notify("ptx_other"), 0u);
  decided = true;
  EXPECT_EQ(waiters.notify("ptx_1"), 1u);
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(answer.get()->body, "approved");
  EXPECT_EQ(runtime.waiting_polls(), 0u);
}

TEST_F(PushRuntimeTest, AChangeDuringTheFirstReadIsNotMissed) {
  // The first read sees "pending" while the decision lands and notifies.
  EXPECT_EQ(
      decided_during_first_read(PollState{text("pending"), true}, PollState{text("denied"), false}),
      "denied");
}

TEST_F(PushRuntimeTest, AnswersWithTheStillPendingStateAfterTheWait) {
  auto [respond, answer] = capture();
  const auto start = std::chrono::steady_clock::now();
  runtime.long_poll(
      waiters, "ptx_1", 1s,
      [] {
        return PollState{text("pending"), true};
      },
      respond);
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(answer.get()->body, "pending");
  EXPECT_EQ(waiters.size(), 0u) << "the waiter is removed when the time is up";
  EXPECT_EQ(runtime.waiting_polls(), 0u);
}

TEST_F(PushRuntimeTest, AReadThatThrowsAnswersInternalError) {
  auto [respond, answer] = capture();
  runtime.long_poll(
      waiters, "ptx_1", 30s, []() -> PollState { throw std::runtime_error("store down"); },
      respond);
  ASSERT_EQ(answer.wait_for(10s), std::future_status::ready);
  auto result = answer.get();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, core::ErrorKind::kInternal);
}

TEST_F(PushRuntimeTest, StopUnhooksWaitingPolls) {
  auto [respond, answer] = capture();
  runtime.long_poll(
      waiters, "ptx_1", 30s,
      [] {
        return PollState{text("pending"), true};
      },
      respond);
  EXPECT_EQ(waiters.size(), 1u);
  runtime.stop();
  EXPECT_EQ(waiters.size(), 0u) << "no waiter may outlive the runtime's timers";
  EXPECT_EQ(waiters.notify("ptx_1"), 0u);
  runtime.stop();  // idempotent
}

TEST_F(PushRuntimeTest, PostRunsWorkUntilStopped) {
  std::promise<int> ran;
  runtime.post([&] { ran.set_value(7); });
  EXPECT_EQ(ran.get_future().get(), 7);
  runtime.post([] { throw std::runtime_error("logged, not fatal"); });
  std::promise<void> after;
  runtime.post([&] { after.set_value(); });
  EXPECT_EQ(after.get_future().wait_for(10s), std::future_status::ready);
  runtime.stop();
  bool late = false;
  runtime.post([&] { late = true; });
  EXPECT_FALSE(late);
}

TEST(PushRuntime, TicksWhileRunning) {
  PushRuntime runtime(2);
  std::promise<void> ticked;
  std::atomic<bool> once{false};
  runtime.start([&] {
    if (!once.exchange(true)) ticked.set_value();
  });
  EXPECT_EQ(ticked.get_future().wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace twostep::server
