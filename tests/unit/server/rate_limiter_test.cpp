#include "server/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/core/temp_dir.hpp"

namespace twostep::server {
namespace {

using std::chrono::seconds;

class RateLimiterTest : public ::testing::Test {
 protected:
  core::ManualClock clock_{core::from_unix_seconds(1'700'000'000)};
};

TEST_F(RateLimiterTest, AllowsTheBurstThenRefusesWithRetryAfter) {
  RateLimiter limiter(clock_, {3, 1.0 / 10, 100});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("192.0.2.1").has_value()) << i;
  auto refused = limiter.take("192.0.2.1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(refused.error().code, "too_many_requests");
  EXPECT_EQ(refused.error().retry_after, seconds(10));
}

TEST_F(RateLimiterTest, RefillsOverTimeUpToTheCapacity) {
  RateLimiter limiter(clock_, {2, 1.0, 100});
  ASSERT_TRUE(limiter.take("192.0.2.1", 2).has_value());
  EXPECT_FALSE(limiter.take("192.0.2.1").has_value());
  clock_.advance(seconds(1));
  EXPECT_TRUE(limiter.take("192.0.2.1").has_value());
  clock_.advance(seconds(3600));  // long idle: back to the burst, not more
  EXPECT_TRUE(limiter.take("192.0.2.1", 2).has_value());
  EXPECT_FALSE(limiter.take("192.0.2.1").has_value());
}

TEST_F(RateLimiterTest, KeepsClientsApart) {
  RateLimiter limiter(clock_, {1, 0.01, 100});
  EXPECT_TRUE(limiter.take("192.0.2.1").has_value());
  EXPECT_FALSE(limiter.take("192.0.2.1").has_value());
  EXPECT_TRUE(limiter.take("192.0.2.2").has_value());
}

TEST_F(RateLimiterTest, ChargeMakesFailuresCostMoreWithoutGoingNegative) {
  RateLimiter limiter(clock_, {10, 1.0, 100});
  ASSERT_TRUE(limiter.take("192.0.2.1").has_value());
  limiter.charge("192.0.2.1", 100);  // empties the bucket, no debt beyond it
  auto refused = limiter.take("192.0.2.1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().retry_after, seconds(1));
  clock_.advance(seconds(1));
  EXPECT_TRUE(limiter.take("192.0.2.1").has_value());
}

TEST_F(RateLimiterTest, MemoryStaysBoundedUnderManyAddresses) {
  RateLimiter limiter(clock_, {2, 1.0 / 60, 4});
  for (int i = 0; i < 50; ++i) {
    clock_.advance(seconds(1));
    // New addresses are always let in: the least recently used bucket makes room.
    ASSERT_TRUE(limiter.take("203.0.113." + std::to_string(i)).has_value());
    EXPECT_LE(limiter.size(), 4u);
  }
}

TEST_F(RateLimiterTest, RefilledBucketsAreDroppedBeforeBusyOnes) {
  RateLimiter limiter(clock_, {1, 1.0, 2});
  ASSERT_TRUE(limiter.take("192.0.2.1").has_value());  // refills in one second
  clock_.advance(seconds(5));
  ASSERT_TRUE(limiter.take("192.0.2.2").has_value());  // busy now
  ASSERT_TRUE(limiter.take("192.0.2.3").has_value());  // table full: .1 is full again, dropped
  EXPECT_EQ(limiter.size(), 2u);
  EXPECT_FALSE(limiter.take("192.0.2.2").has_value()) << "the busy client kept its state";
}

TEST_F(RateLimiterTest, Ipv6ClientsAreLimitedByTheirSlash64) {
  EXPECT_EQ(RateLimiter::client_key("2001:db8:1:2:aaaa::1"),
            RateLimiter::client_key("2001:db8:1:2:bbbb::2"));
  EXPECT_NE(RateLimiter::client_key("2001:db8:1:2::1"), RateLimiter::client_key("2001:db8:1:3::1"));
  EXPECT_EQ(RateLimiter::client_key("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(RateLimiter::client_key("192.0.2.7"), "192.0.2.7");
  RateLimiter limiter(clock_, {1, 0.01, 100});
  EXPECT_TRUE(limiter.take("2001:db8:1:2::1").has_value());
  EXPECT_FALSE(limiter.take("2001:db8:1:2::99").has_value());
}

TEST_F(RateLimiterTest, ConcurrentTakersGetExactlyTheBurst) {
  RateLimiter limiter(clock_, {50, 1e-6, 100});
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (limiter.take("192.0.2.1")) ++allowed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 50);
}

// Two limiters on one database play two nodes: they share every client's bucket.
class SharedRateLimiterTest : public RateLimiterTest {
 protected:
  void SetUp() override {
    store_ = store::open_store("sqlite:" + (dir_.path() / "twostep.db").string());
  }
  void TearDown() override { store_.reset(); }
  std::unique_ptr<RateLimiter> node(RateLimiter::Policy policy,
                                    const std::string& name = "activate") {
    auto limiter = std::make_unique<RateLimiter>(clock_, policy);
    limiter->share_through(*store_, name);
    return limiter;
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(SharedRateLimiterTest, NodesShareTheBurstAndTheRefill) {
  auto a = node({4, 1.0 / 10, 100});
  auto b = node({4, 1.0 / 10, 100});
  EXPECT_TRUE(a->take("192.0.2.1").has_value());
  EXPECT_TRUE(b->take("192.0.2.1").has_value());
  EXPECT_TRUE(a->take("192.0.2.1").has_value());
  b->charge("192.0.2.1", 1);  // a failed attempt on node b costs node a's budget too
  const auto refused = a->take("192.0.2.1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "too_many_requests");
  EXPECT_EQ(refused.error().retry_after, seconds(10));
  EXPECT_FALSE(b->take("192.0.2.1").has_value());
  EXPECT_TRUE(b->take("192.0.2.2").has_value()) << "another client has its own bucket";
  clock_.advance(seconds(10));
  EXPECT_TRUE(b->take("192.0.2.1").has_value());
  EXPECT_FALSE(a->take("192.0.2.1").has_value());
  EXPECT_EQ(a->size(), 0u) << "nothing is kept in memory";
}

TEST_F(SharedRateLimiterTest, LimitsWithOtherNamesAreApart) {
  auto activate = node({1, 1e-6, 100}, "activate");
  auto sign_in = node({1, 1e-6, 100}, "sign_in");
  EXPECT_TRUE(activate->take("192.0.2.1").has_value());
  EXPECT_FALSE(activate->take("192.0.2.1").has_value());
  EXPECT_TRUE(sign_in->take("192.0.2.1").has_value());
}

TEST_F(SharedRateLimiterTest, MakeRateLimiterKeepsSqliteInMemory) {
  auto limiter = make_rate_limiter(clock_, {1, 1e-6, 100}, *store_, "activate");
  EXPECT_TRUE(limiter->take("192.0.2.1").has_value());
  EXPECT_EQ(limiter->size(), 1u);
}

}  // namespace
}  // namespace twostep::server
