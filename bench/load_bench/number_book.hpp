// Where a push's two halves meet in the load benchmark: the device side learns a txid when
// its push frame arrives, the application side learns the number when POST /v1/auth/push
// answers. Whichever comes second sends the device's approval, as a person reading the
// number off the sign-in screen would (without the reading time). Also the DeviceEvents the
// fleet forwards to.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "client/device_connection.hpp"

namespace twostep::bench {

using Clock = std::chrono::steady_clock;

class NumberBook final : public client::DeviceEvents {
 public:
  /// The application side: `txid`'s number is known. Returns when the device's push frame
  /// arrived (now, if it arrives later).
  void number_known(const std::string& txid, std::string number);
  /// When the push frame for `txid` reached its device, if it has; forgets the txid.
  std::optional<Clock::time_point> take_delivery(const std::string& txid);

  void on_push(client::DeviceConnection& connection, const client::PushRequest& push) override;

 private:
  struct Meeting {
    std::shared_ptr<client::DeviceConnection> device;  // set once the frame arrived
    std::optional<Clock::time_point> delivered;
    std::string number;  // set once the application knows it
  };
  static void approve(Meeting& meeting, const std::string& txid);

  std::mutex mutex_;
  std::unordered_map<std::string, Meeting> meetings_;
};

}  // namespace twostep::bench
