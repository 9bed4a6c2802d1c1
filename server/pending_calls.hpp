// Calls handed from a connection's coroutine to the worker pool (or to an async handler
// that answers later, such as a long poll). Each call completes exactly once, back on the
// connection's strand; the registry lets shutdown answer long polls at once and lets the
// server drop every waiting coroutine before its io_context goes away, so a late answer
// from another thread can never touch a destroyed connection.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

#include "core/error.hpp"
#include "server/http.hpp"

namespace twostep::server {

using CallCompletion = boost::asio::any_completion_handler<void(core::Result<HttpResponse>)>;

class PendingCalls;

class PendingCall {
 public:
  PendingCall(PendingCalls& registry, CallCompletion handler,
              boost::asio::any_io_executor executor);
  /// Posts `result` to the waiting coroutine. False when the call was already completed or
  /// abandoned (the result is dropped).
  bool complete(core::Result<HttpResponse> result);
  /// Marks the call as waiting for an async handler, which shutdown may answer early.
  void set_waiting();
  /// Destroys the waiting coroutine without resuming it (server teardown only).
  void abandon();
  bool waiting() const;

 private:
  PendingCalls& registry_;
  mutable std::mutex mutex_;
  CallCompletion handler_;
  boost::asio::any_io_executor executor_;  // work-tracked while the call is pending
  bool waiting_ = false;
};

class PendingCalls {
 public:
  std::shared_ptr<PendingCall> add(CallCompletion handler, boost::asio::any_io_executor executor);
  /// Completes every call that waits on an async handler with `error` (shutdown).
  void complete_waiting(const core::Error& error);
  /// Abandons every call still pending; only after the I/O threads have stopped.
  void abandon_all();

 private:
  friend class PendingCall;
  void remove(const PendingCall* call);
  std::vector<std::shared_ptr<PendingCall>> snapshot();

  std::mutex mutex_;
  std::unordered_map<const PendingCall*, std::weak_ptr<PendingCall>> calls_;
};

}  // namespace twostep::server
