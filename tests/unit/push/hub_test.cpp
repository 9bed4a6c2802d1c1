// LocalHub: who gets which frame, closing with a reason, registration and threads.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>

#include "push/hub.hpp"
#include "push/protocol.hpp"

namespace twostep::push {
namespace {

// A channel that remembers what it was sent, as a WebSocket session would write it.
class FakeChannel final : public DeviceChannel {
 public:
  FakeChannel(std::string device, std::string user)
      : device_(std::move(device)), user_(std::move(user)) {}
  const std::string& device_id() const override { return device_; }
  const std::string& user_id() const override { return user_; }
  void send(std::string frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
  }
  void close(std::string reason) override {
    send(deactivated_frame(reason));
    std::lock_guard lock(mutex_);
    close_reasons_.push_back(std::move(reason));
  }
  std::vector<std::string> frames() const {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::vector<std::string> close_reasons() const {
    std::lock_guard lock(mutex_);
    return close_reasons_;
  }

 private:
  std::string device_, user_;
  mutable std::mutex mutex_;
  std::vector<std::string> frames_;
  std::vector<std::string> close_reasons_;
};

std::shared_ptr<FakeChannel> channel(const std::string& device, const std::string& user) {
  return std::make_shared<FakeChannel>(device, user);
}

PushTransaction sample_push(const std::string& user) {
  PushTransaction p;
  p.txid = "ptx_1";
  p.user_id = user;
  p.requester = Requester{"app_1", "VPN"};
  p.expires_at = core::from_unix_seconds(1'800'000'060);
  return p;
}

class Hub : public ::testing::Test {
 protected:
  TransactionWaiters waiters_;
  LocalHub hub_{waiters_};
};

TEST_F(Hub, PushReachesEveryChannelOfTheUserAndNobodyElse) {
  auto phone = channel("dev_a", "usr_alice");
  auto tablet = channel("dev_b", "usr_alice");
  auto bobs = channel("dev_c", "usr_bob");
  for (const auto& c : {phone, tablet, bobs}) hub_.add(c);

  hub_.deliver_push(sample_push("usr_alice"));

  ASSERT_EQ(phone->frames().size(), 1u);
  ASSERT_EQ(tablet->frames().size(), 1u);
  EXPECT_TRUE(bobs->frames().empty());
  const auto frame = boost::json::parse(phone->frames()[0]).as_object();
  EXPECT_EQ(frame.at("type").as_string(), "push");
  EXPECT_EQ(frame.at("txid").as_string(), "ptx_1");
}

TEST_F(Hub, SeveralChannelsOfOneDeviceAllGetFrames) {
  auto first = channel("dev_a", "usr_alice");
  auto second = channel("dev_a", "usr_alice");
  hub_.add(first);
  hub_.add(second);
  EXPECT_EQ(hub_.send_to_device("dev_a", "{}"), 2u);
  EXPECT_EQ(hub_.channel_count(), 2u);
}

TEST_F(Hub, CancelSkipsTheDeviceThatAnswered) {
  auto phone = channel("dev_a", "usr_alice");
  auto tablet = channel("dev_b", "usr_alice");
  hub_.add(phone);
  hub_.add(tablet);
  hub_.cancel("usr_alice", "ptx_1", "dev_a");
  EXPECT_TRUE(phone->frames().empty());
  ASSERT_EQ(tablet->frames().size(), 1u);
  EXPECT_EQ(tablet->frames()[0], cancel_frame("ptx_1"));
}

TEST_F(Hub, NoticeGoesToItsRecipientOnly) {
  auto phone = channel("dev_a", "usr_alice");
  auto tablet = channel("dev_b", "usr_alice");
  hub_.add(phone);
  hub_.add(tablet);
  Notice n;
  n.event_id = "evt_1";
  n.device_id = "dev_b";
  EXPECT_TRUE(hub_.deliver_notice(n));
  EXPECT_TRUE(phone->frames().empty());
  EXPECT_EQ(tablet->frames().size(), 1u);
  n.device_id = "dev_offline";
  EXPECT_FALSE(hub_.deliver_notice(n));
}

TEST_F(Hub, DeactivateClosesEveryChannelOfTheDeviceWithTheReason) {
  auto phone = channel("dev_a", "usr_alice");
  auto again = channel("dev_a", "usr_alice");
  auto tablet = channel("dev_b", "usr_alice");
  for (const auto& c : {phone, again, tablet}) hub_.add(c);

  hub_.deactivate("dev_a", "user_removed");

  EXPECT_EQ(phone->close_reasons(), std::vector<std::string>{"user_removed"});
  EXPECT_EQ(again->close_reasons(), std::vector<std::string>{"user_removed"});
  EXPECT_EQ(phone->frames().back(), R"({"type":"deactivated","reason":"user_removed"})");
  EXPECT_TRUE(tablet->close_reasons().empty());
  EXPECT_FALSE(hub_.is_connected("dev_a"));
  EXPECT_TRUE(hub_.is_connected("dev_b"));
  // Nothing more reaches a closed device.
  hub_.deliver_push(sample_push("usr_alice"));
  EXPECT_EQ(phone->frames().size(), 1u);
  EXPECT_EQ(tablet->frames().size(), 1u);
}

TEST_F(Hub, RemovedAndDestroyedChannelsGetNothing) {
  auto phone = channel("dev_a", "usr_alice");
  auto tablet = channel("dev_b", "usr_alice");
  hub_.add(phone);
  hub_.add(tablet);
  hub_.remove(*phone);
  hub_.remove(*phone);  // twice is fine
  tablet.reset();       // a session that ended without remove()
  EXPECT_EQ(hub_.send_to_user("usr_alice", "{}"), 0u);
  EXPECT_TRUE(phone->frames().empty());
  EXPECT_EQ(hub_.channel_count(), 0u);
  EXPECT_FALSE(hub_.is_connected("dev_a"));
}

TEST_F(Hub, TransactionChangedWakesWaiters) {
  int woken = 0;
  waiters_.wait("ptx_1", [&] { ++woken; });
  hub_.transaction_changed("ptx_1");
  EXPECT_EQ(woken, 1);
}

TEST_F(Hub, ConcurrentRegistrationAndDeliveryAreSafe) {
  // Meant for the sanitizer builds: sessions come and go while frames fan out.
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    while (!stop) hub_.send_to_user("usr_alice", "{}");
  });
  std::vector<std::thread> sessions;
  for (int t = 0; t < 3; ++t) {
    sessions.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        auto c = channel("dev_" + std::to_string(t), "usr_alice");
        hub_.add(c);
        if (i % 2 == 0) hub_.remove(*c);
        if (i % 50 == 0) hub_.close_device("dev_" + std::to_string(t), "stale");
      }
    });
  }
  for (auto& s : sessions) s.join();
  stop = true;
  sender.join();
  EXPECT_EQ(hub_.channel_count(), 0u);  // every channel went out of scope
}

}  // namespace
}  // namespace twostep::push
