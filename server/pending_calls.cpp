// Lock order: a call's mutex may be held while taking the registry's, never the reverse.
#include "server/pending_calls.hpp"

#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

namespace twostep::server {

namespace asio = boost::asio;

PendingCall::PendingCall(PendingCalls& registry, CallCompletion handler,
                         asio::any_io_executor executor)
    : registry_(registry),
      handler_(std::move(handler)),
      executor_(asio::prefer(executor, asio::execution::outstanding_work.tracked)) {}

bool PendingCall::complete(core::Result<HttpResponse> result) {
  std::lock_guard lock(mutex_);
  if (!handler_) return false;
  // Posting under the lock keeps teardown (abandon) from racing with this post.
  asio::post(executor_, [handler = std::move(handler_), result = std::move(result)]() mutable {
    std::move(handler)(std::move(result));
  });
  handler_ = nullptr;
  executor_ = nullptr;
  registry_.remove(this);
  return true;
}

void PendingCall::set_waiting() {
  std::lock_guard lock(mutex_);
  waiting_ = true;
}

bool PendingCall::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_ && handler_;
}

void PendingCall::abandon() {
  CallCompletion doomed;
  {
    std::lock_guard lock(mutex_);
    if (!handler_) return;
    doomed = std::move(handler_);
    handler_ = nullptr;
    executor_ = nullptr;
    registry_.remove(this);
  }
  // Destroying the handler destroys the suspended coroutine (and its connection) outside
  // the lock.
}

std::shared_ptr<PendingCall> PendingCalls::add(CallCompletion handler,
                                               asio::any_io_executor executor) {
  auto call = std::make_shared<PendingCall>(*this, std::move(handler), std::move(executor));
  std::lock_guard lock(mutex_);
  calls_.emplace(call.get(), call);
  return call;
}

void PendingCalls::remove(const PendingCall* call) {
  std::lock_guard lock(mutex_);
  calls_.erase(call);
}

std::vector<std::shared_ptr<PendingCall>> PendingCalls::snapshot() {
  std::vector<std::shared_ptr<PendingCall>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [key, weak] : calls_) {
    if (auto call = weak.lock()) out.push_back(std::move(call));
  }
  return out;
}

void PendingCalls::complete_waiting(const core::Error& error) {
  for (const auto& call : snapshot()) {
    if (call->waiting()) call->complete(std::unexpected(error));
  }
}

void PendingCalls::abandon_all() {
  for (const auto& call : snapshot()) call->abandon();
}

}  // namespace twostep::server
