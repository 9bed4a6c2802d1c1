// Long-poll waiters for transaction status (`GET /v1/auth/transactions/{txid}?wait=S`,
// `GET /v1/session/push/{txid}?wait=S`). A waiter is a one-shot callback, not a thread: it
// costs one map entry until the transaction changes or the caller gives up.
//
// The HTTP layer's pattern, which cannot miss a change that lands between its read and its
// registration:
//   1. id = waiters.wait(txid, on_change)      // register first
//   2. read the status; if it is final (or an error), and waiters.cancel(id) returns true,
//      answer now — a false cancel means on_change already ran or is running: let it answer
//   3. otherwise arm a timer for `wait` seconds; when it fires and waiters.cancel(id)
//      returns true, read the status again and answer (still pending, or expired)
//   on_change: post to the request's own executor, read the status, answer.
// Exactly one of on_change and a successful cancel happens for each id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace twostep::push {

class TransactionWaiters {
 public:
  using Callback = std::function<void()>;
  using WaiterId = std::uint64_t;

  /// Registers `on_change` to run once, on the notifying thread, when `txid` changes. It
  /// must be quick and must not throw: post real work to the request's executor.
  WaiterId wait(std::string txid, Callback on_change);

  /// Removes a waiter that has not fired. True when it was removed (its callback will never
  /// run); false when it already fired, is firing, or was cancelled before.
  bool cancel(WaiterId id);

  /// Fires and removes every waiter of `txid`. Callbacks run after the lock is released, so
  /// they may call wait/cancel/notify. Returns how many fired.
  std::size_t notify(std::string_view txid);

  /// The distinct transaction ids that have waiters now (for a cross-node catch-up).
  std::vector<std::string> waiting_txids() const;

  /// Waiters currently registered (for /metrics).
  std::size_t size() const;

 private:
  struct Waiter {
    std::string txid;
    Callback on_change;
  };

  mutable std::mutex mutex_;
  WaiterId next_id_ = 1;
  std::unordered_map<WaiterId, Waiter> by_id_;
  std::unordered_multimap<std::string, WaiterId> by_txid_;
};

}  // namespace twostep::push
