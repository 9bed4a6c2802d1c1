// Cross-node delivery (SPEC.md capability 15): the PushFanout of a node that shares its
// PostgreSQL database with other nodes. Each call is applied to this node's LocalHub at once
// and published to the other nodes as a FanoutMessage (ids only) with pg_notify() on the
// channel kFanoutChannel. A PgListener (store/postgres/pg_listener.hpp, started by server/)
// hands every notification to replay(), which skips this node's own messages and applies the
// others to the LocalHub, re-reading from the store what a call needs (the push by txid, the
// notice by id) and acting only when the row still calls for it (a push still pending, a
// notice not yet delivered). After the listener lost its connection, catch_up() repairs
// what the missed messages would have done for this node's connected devices and waiters.
//
// Publishing runs on a thread of its own, in order, after the change's commit (the Store
// interface commits inside run(), so the NOTIFY cannot share the change's transaction): the
// fan-out calls stay non-blocking, and a message that cannot be sent (database down) is
// retried with backoff while it waits in a bounded queue.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/clock.hpp"
#include "push/fanout.hpp"
#include "push/fanout_message.hpp"
#include "push/hub.hpp"
#include "push/waiters.hpp"
#include "store/store.hpp"

namespace twostep::push {

class PushService;

/// The NOTIFY channel of cross-node fan-out.
inline constexpr std::string_view kFanoutChannel = "twostep_push";

class ClusterFanout final : public PushFanout {
 public:
  /// Messages waiting to be published beyond this are dropped (and counted): the nodes that
  /// miss them catch up when their devices reconnect.
  static constexpr std::size_t kMaxQueued = 10000;

  /// `store` must be PostgreSQL. All references must outlive the fan-out. `node_id` tells
  /// this node's messages from the others' (a fresh random id per process).
  ClusterFanout(store::Store& store, const core::Clock& clock, LocalHub& hub,
                TransactionWaiters& waiters, std::string node_id);
  ClusterFanout(const ClusterFanout&) = delete;
  ClusterFanout& operator=(const ClusterFanout&) = delete;
  /// Publishes what is still queued (for at most about two seconds), then stops.
  ~ClusterFanout() override;

  /// The service whose reads catch_up() and replay() use; set once, before any replay.
  void attach(PushService& service) { service_ = &service; }
  const std::string& node_id() const { return node_id_; }

  // PushFanout: this node's hub now, every other node through the channel.
  void deliver_push(const PushTransaction& push) override;
  void cancel(std::string_view user_id, std::string_view txid,
              std::string_view answered_by) override;
  bool deliver_notice(const Notice& notice) override;
  void deactivate(std::string_view device_id, std::string_view reason) override;
  void transaction_changed(std::string_view txid) override;

  /// Applies one received payload (the listener's thread; blocking store reads). Ignores
  /// this node's own messages and payloads it cannot read.
  void replay(std::string_view payload);
  /// After missed messages: closes the sockets of connected devices deactivated meanwhile,
  /// sends their pending pushes and undelivered notices again, and wakes the long polls of
  /// push transactions decided meanwhile.
  void catch_up();

  /// Messages published, and dropped because the queue was full.
  std::size_t published() const;
  std::size_t dropped() const;

 private:
  void publish(FanoutMessage message);
  void publisher_loop();
  // Sends `batch` in one transaction; false (logged) when the database failed.
  bool send(const std::deque<std::string>& batch);
  void replay_push(const std::string& txid);
  void replay_notice(const std::string& event_id, const std::string& device_id);
  void catch_up_device(const std::string& device_id);

  store::Store& store_;
  const core::Clock& clock_;
  LocalHub& hub_;
  TransactionWaiters& waiters_;
  std::string node_id_;
  PushService* service_ = nullptr;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::size_t published_ = 0;
  std::size_t dropped_ = 0;
  std::thread publisher_;
};

}  // namespace twostep::push
