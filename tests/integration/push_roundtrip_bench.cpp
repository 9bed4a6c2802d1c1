// The push round trip on loopback, measured and printed (not asserted): an application asks
// for a push, the device receives it over its WebSocket and approves with the number, and
// the application's long poll returns "approved". 1,000 pushes spread over 20 users (each
// with one connected device) so the per-user fatigue limits are not what is measured (setting
// them up takes about a minute: activations are rate-limited per address).
// Run: build/<dir>/bin/push_roundtrip_bench  (TWOSTEP_BINARY_DIR must point at the build).
#include <algorithm>
#include <future>
#include <iostream>

#include <gtest/gtest.h>

#include "push_support.hpp"

namespace twostep::itest {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kUsers = 20;
constexpr int kPushes = 1000;

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
  std::vector<double> samples;
  double percentile(double p) {
    std::ranges::sort(samples);
    const auto index = static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1));
    return samples[index];
  }
  void print(const std::string& name) {
    std::cout << "  " << name << ": median " << percentile(0.5) << " ms, p99 " << percentile(0.99)
              << " ms, max " << percentile(1.0) << " ms\n";
  }
};

TEST(PushRoundTrip, ThousandPushesOnLoopback) {
  Environment env;
  env.admin.patch_settings(R"({"push_max_per_minute": 60, "push_max_outstanding": 20})");
  std::vector<TestDevice> devices;
  for (int u = 0; u < kUsers; ++u) {
    const std::string name = "user" + std::to_string(u);
    env.admin.create_user(name);
    devices.push_back(env.admin.activate_device(name, "Phone", true));
    ASSERT_EQ(devices.back().connect(), 0);
  }
  Application poller(env.server.port(), env.app_key);
  Stats total, to_device, poll_after_answer;
  for (int i = 0; i < kPushes; ++i) {
    const int u = i % kUsers;
    TestDevice& device = devices[static_cast<std::size_t>(u)];
    const auto start = Clock::now();
    const Response created = env.app.push("user" + std::to_string(u));
    ASSERT_EQ(created.status, 202u) << created.body;
    const std::string txid = created.str("txid");
    auto poll = std::async(std::launch::async, [&poller, txid] {
      Response status = poller.status(txid, 30);
      return std::pair{std::move(status), Clock::now()};
    });
    auto push = device.next_of("push");
    ASSERT_TRUE(push);
    ASSERT_EQ(push->str("txid"), txid);
    const auto delivered = Clock::now();
    device.respond(txid, "approve", created.str("number"));
    const auto answered = Clock::now();
    auto [status, returned] = poll.get();
    ASSERT_EQ(status.str("status"), "approved") << status.body;
    ASSERT_TRUE(device.next_of("result"));
    total.samples.push_back(ms(returned - start));
    to_device.samples.push_back(ms(delivered - start));
    poll_after_answer.samples.push_back(ms(returned - answered));
  }
  std::cout << "push round trip over " << kPushes << " pushes (" << kUsers
            << " users, loopback, TLS 1.3):\n";
  total.print("request -> device -> answer -> long poll returns");
  to_device.print("request -> push frame read by the device");
  poll_after_answer.print("answer sent -> long poll returns");
}

}  // namespace
}  // namespace twostep::itest
