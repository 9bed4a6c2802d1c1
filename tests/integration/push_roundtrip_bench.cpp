// The push round trip on loopback, measured and printed (not asserted): an application asks
// for a push, the device receives it over its WebSocket and approves with the number, and
// the application's long poll returns "approved". 1,000 pushes spread over 20 users (each
// with one connected device) so the per-user fatigue limits are not what is measured (setting
// them up takes about a minute: activations are rate-limited per address).
// Run: build/<dir>/bin/push_roundtrip_bench  (TWOSTEP_BINARY_DIR must point at the build).
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/roundtrip_bench.hpp"

namespace twostep::itest {
namespace {

constexpr int kUsers = 20;
constexpr int kPushes = 1000;

TEST(PushRoundTrip, ThousandPushesOnLoopback) {
  Environment env;
  env.admin.patch_settings(R"({"push_max_per_minute": 60, "push_max_outstanding": 20})");
  std::vector<TestDevice> devices = connected_users(env.admin, kUsers);
  if (HasFailure()) return;
  Application poller(env.server.port(), env.app_key);
  RoundTrips series;
  for (int i = 0; i < kPushes; ++i) {
    const int u = i % kUsers;
    round_trip(env.app, poller, devices[static_cast<std::size_t>(u)], "user" + std::to_string(u),
               series);
    if (HasFatalFailure()) return;
  }
  std::cout << "push round trip over " << kPushes << " pushes (" << kUsers
            << " users, loopback, TLS 1.3):\n";
  series.print();
}

}  // namespace
}  // namespace twostep::itest
