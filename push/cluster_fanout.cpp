// Cross-node fan-out over pg_notify; see cluster_fanout.hpp.
#include "push/cluster_fanout.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "push/protocol.hpp"
#include "push/push_service.hpp"
#include "push/records.hpp"

namespace twostep::push {
namespace {

using namespace std::chrono_literals;

constexpr auto kFirstRetry = 100ms;
constexpr auto kMaxRetry = 5s;
constexpr auto kDrainOnExit = 2s;
// Messages per NOTIFY transaction: one round trip for a burst.
constexpr std::size_t kBatch = 64;

void log_failure(std::string_view what, const std::exception& e) {
  core::log(core::LogLevel::kWarn, what, {{"error", e.what()}});
}

}  // namespace

ClusterFanout::ClusterFanout(store::Store& store, const core::Clock& clock, LocalHub& hub,
                             TransactionWaiters& waiters, std::string node_id)
    : store_(store),
      clock_(clock),
      hub_(hub),
      waiters_(waiters),
      node_id_(std::move(node_id)),
      publisher_([this] { publisher_loop(); }) {}

ClusterFanout::~ClusterFanout() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  publisher_.join();
}

// ---- Publishing -------------------------------------------------------------------------

void ClusterFanout::deliver_push(const PushTransaction& push) {
  hub_.deliver_push(push);
  publish({.op = FanoutOp::kPush, .txid = push.txid});
}

void ClusterFanout::cancel(std::string_view user_id, std::string_view txid,
                           std::string_view answered_by) {
  hub_.cancel(user_id, txid, answered_by);
  publish({.op = FanoutOp::kCancel,
           .txid = std::string(txid),
           .user_id = std::string(user_id),
           .answered_by = std::string(answered_by)});
}

bool ClusterFanout::deliver_notice(const Notice& notice) {
  const bool here = hub_.deliver_notice(notice);
  // Handed over here: the caller marks it delivered, and other nodes see that on re-read.
  if (!here) {
    publish({.op = FanoutOp::kNotice, .event_id = notice.event_id, .device_id = notice.device_id});
  }
  return here;
}

void ClusterFanout::deactivate(std::string_view device_id, std::string_view reason) {
  hub_.deactivate(device_id, reason);
  publish({.op = FanoutOp::kDeactivate,
           .device_id = std::string(device_id),
           .reason = std::string(reason)});
}

void ClusterFanout::transaction_changed(std::string_view txid) {
  hub_.transaction_changed(txid);
  publish({.op = FanoutOp::kChanged, .txid = std::string(txid)});
}

void ClusterFanout::publish(FanoutMessage message) {
  message.node = node_id_;
  std::string payload = encode_fanout_message(message);
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(payload));
  }
  wake_.notify_one();
}

void ClusterFanout::publisher_loop() {
  core::name_this_thread("cluster-publish");
  auto retry = std::chrono::steady_clock::duration(kFirstRetry);
  std::optional<std::chrono::steady_clock::time_point> give_up_at;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    if (stopping_ && !give_up_at) give_up_at = std::chrono::steady_clock::now() + kDrainOnExit;
    const std::size_t n = std::min(queue_.size(), kBatch);
    std::deque<std::string> batch(queue_.begin(), queue_.begin() + static_cast<long>(n));
    lock.unlock();
    const bool sent = send(batch);
    lock.lock();
    if (sent) {
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
      published_ += n;
      retry = kFirstRetry;
      continue;
    }
    if (give_up_at && std::chrono::steady_clock::now() >= *give_up_at) {
      dropped_ += queue_.size();
      return;
    }
    // The database is unreachable: wait, then try the same messages again, in order.
    wake_.wait_for(lock, retry, [this, &give_up_at] { return stopping_ && !give_up_at; });
    retry = std::min<std::chrono::steady_clock::duration>(retry * 2, kMaxRetry);
  }
}

bool ClusterFanout::send(const std::deque<std::string>& batch) {
  try {
    store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
      for (const auto& payload : batch) {
        tx.query("SELECT pg_notify(?, ?)", {std::string(kFanoutChannel), payload});
      }
      return true;
    });
    return true;
  } catch (const std::exception& e) {
    log_failure("cluster publish failed", e);
    return false;
  }
}

std::size_t ClusterFanout::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

std::size_t ClusterFanout::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

// ---- Replaying ----------------------------------------------------------------------------

void ClusterFanout::replay(std::string_view payload) {
  const auto message = decode_fanout_message(payload);
  if (!message || message->node == node_id_) return;
  switch (message->op) {
    case FanoutOp::kPush:
      replay_push(message->txid);
      break;
    case FanoutOp::kCancel:
      hub_.cancel(message->user_id, message->txid, message->answered_by);
      break;
    case FanoutOp::kNotice:
      replay_notice(message->event_id, message->device_id);
      break;
    case FanoutOp::kDeactivate:
      hub_.deactivate(message->device_id, message->reason);
      break;
    case FanoutOp::kChanged:
      hub_.transaction_changed(message->txid);
      break;
  }
}

void ClusterFanout::replay_push(const std::string& txid) {
  const auto stored = store_.read([&](store::Tx& tx) { return detail::find_push(tx, txid); });
  // Decided or expired before the message arrived: its cancel follows (or came first).
  if (!stored || stored->push.status != PushStatus::kPending ||
      stored->push.expires_at <= clock_.now()) {
    return;
  }
  hub_.deliver_push(stored->push);
}

void ClusterFanout::replay_notice(const std::string& event_id, const std::string& device_id) {
  if (!hub_.is_connected(device_id) || service_ == nullptr) return;
  const auto notice = store_.read([&](store::Tx& tx) -> std::optional<Notice> {
    const auto row = tx.query_one(std::string("SELECT ") + std::string(detail::kNoticeColumns) +
                                      " FROM device_notices WHERE event_id = ? AND device_id = ? "
                                      "AND delivered_at IS NULL",
                                  {event_id, device_id});
    if (!row) return std::nullopt;
    return detail::notice_from_row(*row);
  });
  if (notice && hub_.deliver_notice(*notice)) service_->mark_delivered(device_id, event_id);
}

// ---- Catching up ------------------------------------------------------------------------

void ClusterFanout::catch_up() {
  const auto devices = hub_.connected_devices();
  core::log(core::LogLevel::kInfo, "cluster catch-up",
            {{"connected_devices", std::to_string(devices.size())}});
  for (const auto& device_id : devices) {
    try {
      catch_up_device(device_id);
    } catch (const std::exception& e) {
      log_failure("cluster catch-up of a device failed", e);
    }
  }
  // Only push transactions are read here; other waiters still answer when their timer fires.
  for (const auto& txid : waiters_.waiting_txids()) {
    if (!txid.starts_with(kTxidPrefix)) continue;
    const auto stored = store_.read([&](store::Tx& tx) { return detail::find_push(tx, txid); });
    if (!stored || stored->push.status != PushStatus::kPending) waiters_.notify(txid);
  }
}

void ClusterFanout::catch_up_device(const std::string& device_id) {
  const auto row = store_.read([&](store::Tx& tx) {
    return tx.query_one("SELECT status, deactivated_reason FROM devices WHERE id = ?", {device_id});
  });
  if (!row || row->text(0) != "active") {
    const auto reason = row ? row->opt_text(1) : std::nullopt;
    hub_.deactivate(device_id, reason.value_or("device_removed"));
    return;
  }
  if (service_ == nullptr) return;
  // The app drops a txid it already shows, so sending every pending push again is harmless.
  for (const auto& push : service_->list_pending_for_device(device_id)) {
    hub_.send_to_device(device_id, push_frame(push));
  }
  for (const auto& notice : service_->list_undelivered(device_id)) {
    if (hub_.deliver_notice(notice)) service_->mark_delivered(device_id, notice.event_id);
  }
}

}  // namespace twostep::push
