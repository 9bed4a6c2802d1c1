// The push round trip within one node and across two, measured in the same run and printed
// (not asserted), on two nodes sharing one PostgreSQL database. Every device is connected
// to node a. Within a node: node a is asked for the push and long-polled. Across nodes:
// node b is asked and long-polled, so the push reaches the device through NOTIFY and the
// answer wakes node b's poll the same way. The two kinds alternate push by push, so both
// see the same load and database. Needs TWOSTEP_TEST_PG_URL (skipped otherwise); setting up
// the 20 devices takes about a minute (activations are rate-limited per address).
// Run: build/<dir>/bin/multinode_roundtrip_bench  (TWOSTEP_BINARY_DIR must point at the build).
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/multinode_support.hpp"
#include "tests/integration/roundtrip_bench.hpp"

namespace twostep::itest {
namespace {

constexpr int kUsers = 20;
constexpr int kPushesEach = 400;

TEST(MultiNodeRoundTrip, WithinANodeAndAcrossTwo) {
  TWOSTEP_REQUIRE_POSTGRES();
  TwoNodes nodes;
  nodes.admin_a.patch_settings(R"({"push_max_per_minute": 60, "push_max_outstanding": 20})");
  std::vector<TestDevice> devices = connected_users(nodes.admin_a, kUsers);
  if (HasFailure()) return;
  Application poller_a(nodes.a.port(), nodes.app_key);
  Application poller_b(nodes.b.port(), nodes.app_key);
  RoundTrips within, across;
  for (int i = 0; i < 2 * kPushesEach; ++i) {
    const int u = (i / 2) % kUsers;
    TestDevice& device = devices[static_cast<std::size_t>(u)];
    const std::string name = "user" + std::to_string(u);
    if (i % 2 == 0) {
      round_trip(nodes.app_a, poller_a, device, name, within);
    } else {
      round_trip(nodes.app_b, poller_b, device, name, across);
    }
    if (HasFatalFailure()) return;
  }
  std::cout << "push round trip, " << kPushesEach << " pushes each, " << kUsers
            << " users, PostgreSQL, loopback, TLS 1.3:\n within one node (asked and polled on "
               "the device's node):\n";
  within.print();
  std::cout << " across nodes (asked and polled on the other node):\n";
  across.print();
}

}  // namespace
}  // namespace twostep::itest
