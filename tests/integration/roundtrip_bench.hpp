// The measured push round trip shared by push_roundtrip_bench (one node) and
// multinode_roundtrip_bench (within a node and across two): one push asked for, read by the
// device, approved with the number, and the application's long poll returning "approved",
// with latency percentiles in milliseconds.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <future>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/push_support.hpp"

namespace twostep::itest {

using BenchClock = std::chrono::steady_clock;

inline double ms(BenchClock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

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

/// The three latencies of a series of round trips.
struct RoundTrips {
  Stats total, to_device, poll_after_answer;
  void print() {
    total.print("request -> device -> answer -> long poll returns");
    to_device.print("request -> push frame read by the device");
    poll_after_answer.print("answer sent -> long poll returns");
  }
};

/// Users "user0"… "user<n-1>", each with one device activated through `admin` (waiting
/// out the activation rate limit) and connected to `admin`'s node.
inline std::vector<TestDevice> connected_users(Admin& admin, int n) {
  std::vector<TestDevice> devices;
  for (int u = 0; u < n; ++u) {
    const std::string name = "user" + std::to_string(u);
    admin.create_user(name);
    devices.push_back(admin.activate_device(name, "Phone", true));
    EXPECT_EQ(devices.back().connect(), 0);
  }
  return devices;
}

/// One round trip: `asker` asks for a push to `username`, `device` approves it, `poller`
/// (same application, maybe another node) long-polls. Test failures when anything is off.
inline void round_trip(Application& asker, Application& poller, TestDevice& device,
                       const std::string& username, RoundTrips& out) {
  const auto start = BenchClock::now();
  const Response created = asker.push(username);
  ASSERT_EQ(created.status, 202u) << created.body;
  const std::string txid = created.str("txid");
  auto poll = std::async(std::launch::async, [&poller, txid] {
    Response status = poller.status(txid, 30);
    return std::pair{std::move(status), BenchClock::now()};
  });
  auto push = device.next_of("push");
  ASSERT_TRUE(push);
  ASSERT_EQ(push->str("txid"), txid);
  const auto delivered = BenchClock::now();
  device.respond(txid, "approve", created.str("number"));
  const auto answered = BenchClock::now();
  auto [status, returned] = poll.get();
  ASSERT_EQ(status.str("status"), "approved") << status.body;
  ASSERT_TRUE(device.next_of("result"));
  out.total.samples.push_back(ms(returned - start));
  out.to_device.samples.push_back(ms(delivered - start));
  out.poll_after_answer.samples.push_back(ms(returned - answered));
}

}  // namespace twostep::itest
