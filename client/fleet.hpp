// Many devices in one process on one io_context: the load generator of the benchmarks. The
// fleet starts its connections gradually (a bounded number of handshakes at once), counts
// what happens to them, and passes every event on to an optional listener.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "client/device_connection.hpp"

namespace twostep::client {

struct FleetOptions {
  ConnectionOptions connection;
  /// At most this many devices in their first handshake at once; the rest wait their turn.
  std::size_t max_connecting = 200;
};

/// A snapshot of the fleet's counters.
struct FleetStats {
  std::size_t devices = 0;
  std::size_t ready = 0;           // authenticated right now
  std::size_t stopped = 0;         // for good (4401, 4403, deactivated, stop())
  std::uint64_t ready_events = 0;  // every `ready`, reconnects included
  std::uint64_t disconnects = 0;   // attempts that ended without being final
  std::uint64_t pushes = 0;
  std::uint64_t cancels = 0;
  std::uint64_t results = 0;
  std::uint64_t notices = 0;
  std::uint64_t errors = 0;
};

/// The devices' events reach the fleet on their strands, possibly from several threads at
/// once if the io_context runs on several. `random` and `forward` (may be null) must outlive
/// the fleet, and the fleet must outlive the run of its io_context (stop(), then let run()
/// return, then destroy it): its connections call back into it until they have closed.
class DeviceFleet final : public DeviceEvents {
 public:
  DeviceFleet(boost::asio::any_io_executor executor, core::Random& random, FleetOptions options,
              DeviceEvents* forward = nullptr);
  DeviceFleet(const DeviceFleet&) = delete;
  DeviceFleet& operator=(const DeviceFleet&) = delete;

  /// Adds a device (before start()). `local_address` overrides the options' source address.
  void add(std::shared_ptr<const ServerTarget> target, DeviceIdentity identity,
           std::optional<boost::asio::ip::address> local_address = std::nullopt);
  /// Starts the first max_connecting devices; each one's first attempt ending starts the next.
  void start();
  /// Stops every device. The io_context runs out once all have closed.
  void stop();

  FleetStats stats() const;
  std::size_t size() const { return connections_.size(); }
  DeviceConnection& connection(std::size_t index) { return *connections_[index]; }

  void on_ready(DeviceConnection& connection, std::int64_t pending) override;
  void on_push(DeviceConnection& connection, const PushRequest& push) override;
  void on_cancel(DeviceConnection& connection, const Cancel& cancel) override;
  void on_result(DeviceConnection& connection, const PushResult& result) override;
  void on_notice(DeviceConnection& connection, const Notice& notice) override;
  void on_error(DeviceConnection& connection, const ServerError& error) override;
  void on_deactivated(DeviceConnection& connection, const Deactivated& why) override;
  void on_closed(DeviceConnection& connection, const CloseInfo& info) override;

 private:
  void first_attempt_done(DeviceConnection& connection);

  boost::asio::any_io_executor executor_;
  core::Random& random_;
  FleetOptions options_;
  DeviceEvents* forward_;
  std::vector<std::shared_ptr<DeviceConnection>> connections_;

  std::mutex mutex_;  // guards the two below
  std::vector<bool> first_attempt_done_;
  std::size_t next_to_start_ = 0;

  std::atomic<std::size_t> ready_{0};
  std::atomic<std::size_t> stopped_{0};
  std::atomic<std::uint64_t> ready_events_{0};
  std::atomic<std::uint64_t> disconnects_{0};
  std::atomic<std::uint64_t> pushes_{0};
  std::atomic<std::uint64_t> cancels_{0};
  std::atomic<std::uint64_t> results_{0};
  std::atomic<std::uint64_t> notices_{0};
  std::atomic<std::uint64_t> errors_{0};
};

}  // namespace twostep::client
