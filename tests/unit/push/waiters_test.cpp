// TransactionWaiters: one-shot, cancellable, per transaction, callable from any thread.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "push/waiters.hpp"

namespace twostep::push {
namespace {

TEST(TransactionWaiters, FiresOnceOnNotify) {
  TransactionWaiters waiters;
  int fired = 0;
  waiters.wait("ptx_1", [&] { ++fired; });
  EXPECT_EQ(waiters.size(), 1u);
  EXPECT_EQ(waiters.notify("ptx_1"), 1u);
  EXPECT_EQ(waiters.notify("ptx_1"), 0u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(waiters.size(), 0u);
}

TEST(TransactionWaiters, NotifiesOnlyTheNamedTransaction) {
  TransactionWaiters waiters;
  int a = 0;
  int b = 0;
  waiters.wait("ptx_a", [&] { ++a; });
  waiters.wait("ptx_a", [&] { ++a; });
  waiters.wait("ptx_b", [&] { ++b; });
  EXPECT_EQ(waiters.notify("ptx_a"), 2u);
  EXPECT_EQ(a, 2);
  EXPECT_EQ(b, 0);
  EXPECT_EQ(waiters.size(), 1u);
}

TEST(TransactionWaiters, CancelledWaiterNeverFires) {
  TransactionWaiters waiters;
  int fired = 0;
  const auto id = waiters.wait("ptx_1", [&] { ++fired; });
  const auto other = waiters.wait("ptx_1", [&] { fired += 10; });
  EXPECT_TRUE(waiters.cancel(id));
  EXPECT_FALSE(waiters.cancel(id));
  waiters.notify("ptx_1");
  EXPECT_EQ(fired, 10);
  EXPECT_FALSE(waiters.cancel(other));  // already fired
}

TEST(TransactionWaiters, CallbackMayRegisterAgain) {
  TransactionWaiters waiters;
  int fired = 0;
  waiters.wait("ptx_1", [&] {
    ++fired;
    waiters.wait("ptx_1", [&] { ++fired; });
  });
  waiters.notify("ptx_1");
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(waiters.size(), 1u);
  waiters.notify("ptx_1");
  EXPECT_EQ(fired, 2);
}

TEST(TransactionWaiters, CancelAndNotifyRacingDecideExactlyOnce) {
  // For each waiter, either its callback runs or its cancel succeeds — never both, never
  // neither.
  for (int round = 0; round < 50; ++round) {
    TransactionWaiters waiters;
    std::atomic<int> fired{0};
    std::vector<TransactionWaiters::WaiterId> ids;
    for (int i = 0; i < 20; ++i) ids.push_back(waiters.wait("ptx_1", [&] { ++fired; }));
    std::atomic<int> cancelled{0};
    std::thread canceller([&] {
      for (auto id : ids) cancelled += waiters.cancel(id) ? 1 : 0;
    });
    waiters.notify("ptx_1");
    canceller.join();
    EXPECT_EQ(fired + cancelled, 20);
  }
}

}  // namespace
}  // namespace twostep::push
