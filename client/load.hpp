// Load from state files: the devices of a directory of state files, grouped by server so
// they share one TLS context, held by a DeviceFleet that answers pushes as told. This is
// what `twostep-device load` runs; a benchmark that activates its own devices can fill a
// DeviceFleet directly instead.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>

#include "client/fleet.hpp"

namespace twostep::client {

/// Answers every push request the same way.
struct AutoAnswer {
  Decision decision = Decision::kDeny;
  std::string number;  // for approve
};

struct LoadPlan {
  std::filesystem::path states_dir;
  std::uint64_t max_devices = 0;  // 0: every state file in the directory
  std::optional<Url> server;      // connect here instead of each state's ws_url
  TlsOptions server_tls;          // trust for `server`
  FleetOptions fleet;
  std::uint32_t source_addresses = 1;  // see source_address()
  std::optional<AutoAnswer> answer;
};

/// A device read from a state file, ready for DeviceFleet::add().
struct LoadedDevice {
  std::shared_ptr<const ServerTarget> target;
  DeviceIdentity identity;
};

/// Reads the state files of plan.states_dir (regular files, sorted by name, at most
/// plan.max_devices). Devices with the same server and trust settings share one target.
/// Fails on the first unreadable state, naming the file.
core::Result<std::vector<LoadedDevice>> load_devices(const LoadPlan& plan);

/// The `index`-th of `count` loopback source addresses: 127.0.0.1 + (index mod count).
/// nullopt when count <= 1 (let the system choose).
std::optional<boost::asio::ip::address> source_address(std::uint64_t index, std::uint32_t count);

/// A fleet built from a plan, answering pushes per plan.answer.
class LoadRun final : public DeviceEvents {
 public:
  static core::Result<std::unique_ptr<LoadRun>> create(boost::asio::any_io_executor executor,
                                                       core::Random& random, const LoadPlan& plan);
  DeviceFleet& fleet() { return *fleet_; }

  void on_push(DeviceConnection& connection, const PushRequest& push) override;

  explicit LoadRun(std::optional<AutoAnswer> answer) : answer_(std::move(answer)) {}

 private:
  std::optional<AutoAnswer> answer_;
  std::unique_ptr<DeviceFleet> fleet_;
};

}  // namespace twostep::client
