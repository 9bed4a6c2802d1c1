// Threads and timers for push approvals outside the HTTP request path: the blocking store
// work of device WebSocket sessions (authentication, answers, "not me", last-seen updates),
// the timers of transaction long polls, and the expiry sweep about once a second. It has its
// own small pool so that a store call never runs on an I/O thread and a long poll holds a
// timer, not a thread. Free of Asio in its interface, so App and the handlers include it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "push/waiters.hpp"
#include "server/http.hpp"

namespace twostep::server {

class PushRuntime {
 public:
  /// A runtime with `threads` threads (at least 2), not yet running.
  explicit PushRuntime(unsigned threads);
  ~PushRuntime();
  PushRuntime(const PushRuntime&) = delete;
  PushRuntime& operator=(const PushRuntime&) = delete;

  /// Starts the threads and calls `tick` about once a second on one of them (the expiry
  /// sweep) until stop(). Once only.
  void start(std::function<void()> tick);
  /// Stops the threads and destroys the work still queued (device sessions and long polls
  /// waiting on it end without running). Call it while the Server whose connections that
  /// work refers to still exists. Idempotent; later post() calls are ignored.
  void stop();

  /// Runs `work` on a runtime thread. Blocking work is fine; exceptions are logged. Ignored
  /// after stop().
  void post(std::move_only_function<void()> work);

  /// One read of a transaction for a long poll: the response to send now, and whether the
  /// transaction is still pending (may change later).
  struct PollState {
    core::Result<HttpResponse> response;
    bool pending = false;
  };
  using PollRead = std::function<PollState()>;

  /// Answers a long poll for `txid` with `read()`'s response as soon as the transaction
  /// changes (woken through `waiters`) or after `wait`, whichever comes first; at once when
  /// `wait` is zero or the first read is final. Follows the race-free order of waiters.hpp:
  /// register, read, arm the timer. `read` runs on a runtime thread (it may block on the
  /// store), one read at a time per poll; the read that sees a final state is the one sent.
  void long_poll(push::TransactionWaiters& waiters, std::string txid, std::chrono::seconds wait,
                 PollRead read, Respond respond);

  /// Long polls currently waiting (for /metrics and tests).
  std::size_t waiting_polls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twostep::server
