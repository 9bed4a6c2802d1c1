// The seam between push decisions and the connected world. The push service calls a
// PushFanout after each commit to tell devices and long-pollers what changed. On one node
// LocalHub (hub.hpp) implements it directly. Across nodes another implementation publishes
// the same calls (ids only, never a secret) on PostgreSQL LISTEN/NOTIFY and each node's
// listener replays them into its own LocalHub, re-reading rows from the store where a call
// carries data; a node that lost its listener catches up from the store
// (PushService::list_pending_for_device, list_undelivered) when devices reconnect.
#pragma once

#include <string_view>

#include "push/types.hpp"

namespace twostep::push {

/// Delivery of committed push events. Every call is non-blocking and thread-safe, and must
/// not throw: a device that is not connected is simply skipped (it catches up on connect).
class PushFanout {
 public:
  virtual ~PushFanout() = default;

  /// A new push for every connected device of `push.user_id` (a `push` frame).
  virtual void deliver_push(const PushTransaction& push) = 0;
  /// The push was decided or expired: tell the user's connected devices to drop it (a
  /// `cancel` frame), except `answered_by` ("" for none), which gets its `result` from the
  /// session that carried the answer.
  virtual void cancel(std::string_view user_id, std::string_view txid,
                      std::string_view answered_by) = 0;
  /// A security notice for its recipient device. True when this node handed the frame to at
  /// least one connected channel of that device (the caller then marks it delivered).
  virtual bool deliver_notice(const Notice& notice) = 0;
  /// The device was deactivated: send `deactivated` with the reason and close with 4403.
  virtual void deactivate(std::string_view device_id, std::string_view reason) = 0;
  /// The transaction's status changed: wake long-polls waiting for it.
  virtual void transaction_changed(std::string_view txid) = 0;
};

/// A fan-out that reaches nobody: for command-line tools and tests that only look at the
/// store.
class NullFanout final : public PushFanout {
 public:
  void deliver_push(const PushTransaction&) override {}
  void cancel(std::string_view, std::string_view, std::string_view) override {}
  bool deliver_notice(const Notice&) override { return false; }
  void deactivate(std::string_view, std::string_view) override {}
  void transaction_changed(std::string_view) override {}
};

}  // namespace twostep::push
