// The hub of connected devices on this node: which WebSocket channels belong to which device
// and user, and delivery of frames to them. It knows channels only through DeviceChannel,
// which the WebSocket session in server/ implements, so it has no networking of its own.
//
// Threading follows Beast's chat-multi example: the registry is guarded by one mutex that is
// held only to copy out shared pointers; frames are sent after it is released, and each
// channel's send() posts to its own session strand. A channel is held by weak_ptr, so the
// hub never keeps a closed session alive.
//
// Several channels per device are allowed: a phone that reconnects on a new network while
// its old TCP connection has not yet timed out gets frames on both for a moment, which is
// harmless (the app drops a txid it already shows), whereas "newest wins" would have to close
// the older socket with a reason that is not a deactivation. The number of connections per
// device is bounded by the server's connection limits, not here.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "push/fanout.hpp"
#include "push/waiters.hpp"

namespace twostep::push {

/// One authenticated device connection, implemented by the WebSocket session.
class DeviceChannel {
 public:
  virtual ~DeviceChannel() = default;
  /// The authenticated device and its user; fixed for the channel's life.
  virtual const std::string& device_id() const = 0;
  virtual const std::string& user_id() const = 0;
  /// Queues one text frame for writing. Thread-safe, never blocks; a channel whose queue is
  /// full drops its own connection rather than growing.
  virtual void send(std::string json_frame) = 0;
  /// Sends deactivated_frame(reason), then closes the WebSocket with code 4403. Thread-safe
  /// and idempotent.
  virtual void close(std::string reason) = 0;
};

/// The registry of this node's device channels, and the single-node PushFanout.
class LocalHub final : public PushFanout {
 public:
  /// `waiters` receives transaction_changed(); it must outlive the hub.
  explicit LocalHub(TransactionWaiters& waiters) : waiters_(waiters) {}

  /// Registers an authenticated channel. Register before reading what is pending for the
  /// device, so nothing created in between is missed (a duplicate is harmless).
  void add(const std::shared_ptr<DeviceChannel>& channel);
  /// Unregisters a channel; safe to call more than once and from the session's destructor
  /// (it only reads device_id() and user_id() and compares addresses).
  void remove(const DeviceChannel& channel);

  /// Sends `frame` to every channel of every device of `user_id` except `except_device_id`.
  /// Returns the number of channels it was handed to.
  std::size_t send_to_user(std::string_view user_id, const std::string& frame,
                           std::string_view except_device_id = {});
  /// Sends `frame` to every channel of `device_id`; returns how many.
  std::size_t send_to_device(std::string_view device_id, const std::string& frame);
  /// Closes every channel of `device_id` with `reason` and unregisters them; returns how many.
  std::size_t close_device(std::string_view device_id, std::string_view reason);

  bool is_connected(std::string_view device_id) const;
  /// Ids of the devices with at least one registered channel (for a cross-node catch-up).
  std::vector<std::string> connected_devices() const;
  /// Registered live channels (for /metrics).
  std::size_t channel_count() const;

  // PushFanout, for this node's channels.
  void deliver_push(const PushTransaction& push) override;
  void cancel(std::string_view user_id, std::string_view txid,
              std::string_view answered_by) override;
  bool deliver_notice(const Notice& notice) override;
  void deactivate(std::string_view device_id, std::string_view reason) override;
  void transaction_changed(std::string_view txid) override;

 private:
  struct Entry {
    const DeviceChannel* address;
    std::weak_ptr<DeviceChannel> channel;
  };
  using Channels = std::vector<std::shared_ptr<DeviceChannel>>;

  // Both require mutex_ held. Appends the live channels of one device, pruning expired
  // entries (and the device, when none is left).
  void collect_device(const std::string& device_id, Channels& out);
  void forget_device_if_empty(const std::string& device_id);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Entry>> by_device_;
  std::unordered_map<std::string, std::unordered_set<std::string>> devices_of_user_;
  std::unordered_map<std::string, std::string> user_of_device_;
  TransactionWaiters& waiters_;
};

}  // namespace twostep::push
