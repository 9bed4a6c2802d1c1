#include "client/fleet.hpp"

#include <gtest/gtest.h>

#include "client/load.hpp"
#include "core/crypto.hpp"
#include "tests/unit/client/test_server.hpp"

namespace twostep::client {
namespace {

using testing::run_until;

TEST(DeviceFleet, HoldsManyDevicesOnOneIoContextAndStopsThemAll) {
  boost::asio::io_context io;
  const auto certificate = testing::make_certificate({"localhost"}, {"127.0.0.1"});
  testing::TestServer server(io, certificate);
  core::SeededRandom random(9);
  FleetOptions options;
  options.max_connecting = 8;  // fewer than the devices: the ramp must hand the turn on
  DeviceFleet fleet(io.get_executor(), random, options);
  auto target =
      make_server_target(parse_url(server.ws_url()).value(), TlsOptions{true, "", certificate.pin});
  ASSERT_TRUE(target.has_value());
  constexpr int kDevices = 40;
  for (int i = 0; i < kDevices; ++i) {
    auto key = std::make_shared<const DeviceKey>(DeviceKey::generate().value());
    const std::string id = "dev_" + std::to_string(i);
    server.devices[id] = core::parse_p256_public_key(key->public_key_der()).value();
    fleet.add(*target, {id, key});
  }
  fleet.start();
  ASSERT_TRUE(run_until(io, [&] { return fleet.stats().ready == kDevices; }));
  EXPECT_EQ(server.handshakes, kDevices);
  EXPECT_EQ(fleet.stats().ready_events, static_cast<std::uint64_t>(kDevices));

  server.peers.at(3)->send(R"({"type":"push","txid":"tx","context":{}})");
  ASSERT_TRUE(run_until(io, [&] { return fleet.stats().pushes == 1; }));

  fleet.stop();
  ASSERT_TRUE(run_until(io, [&] { return fleet.stats().stopped == kDevices; }));
  EXPECT_EQ(fleet.stats().ready, 0u);
}

TEST(LoadSourceAddress, CyclesThroughLoopbackAddresses) {
  EXPECT_FALSE(source_address(5, 1).has_value());
  EXPECT_EQ(source_address(0, 3)->to_string(), "127.0.0.1");
  EXPECT_EQ(source_address(2, 3)->to_string(), "127.0.0.3");
  EXPECT_EQ(source_address(3, 3)->to_string(), "127.0.0.1");
  EXPECT_EQ(source_address(300, 1000)->to_string(), "127.0.1.45");
}

}  // namespace
}  // namespace twostep::client
