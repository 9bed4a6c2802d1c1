// The push runtime: an io_context run by a few threads, the expiry tick, and long polls as
// one-shot waiters plus a steady_timer (see push_runtime.hpp and push/waiters.hpp).
#include "server/push_runtime.hpp"

#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "server/http_status.hpp"

namespace twostep::server {

namespace asio = boost::asio;
using WaiterId = push::TransactionWaiters::WaiterId;

namespace {

constexpr std::chrono::seconds kTickInterval{1};
constexpr unsigned kMinThreads = 2;

void log_failure(std::string_view what, const std::exception& e) {
  core::log(core::LogLevel::kError, what, {{"error", e.what()}});
}

// A read that threw (a store failure) answers 500 rather than leaving the caller waiting.
PushRuntime::PollState safe_read(const PushRuntime::PollRead& read) {
  try {
    return read();
  } catch (const std::exception& e) {
    log_failure("transaction read failed", e);
    return {std::unexpected(internal_error()), false};
  }
}

}  // namespace

struct PushRuntime::Impl {
  struct Poll;

  explicit Impl(unsigned wanted) : thread_count(std::max(wanted, kMinThreads)) { io.emplace(); }

  // `id` is read under the lock: long_poll() assigns it under the same lock, possibly while
  // the waiter is already firing on another thread.
  void forget(const WaiterId& id) {
    std::lock_guard lock(mutex);
    polls.erase(id);
  }

  void schedule_tick() {
    tick_timer->expires_after(kTickInterval);
    tick_timer->async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      try {
        tick();
      } catch (const std::exception& e) {
        log_failure("push expiry sweep failed", e);
      }
      schedule_tick();
    });
  }

  const unsigned thread_count;
  std::optional<asio::io_context> io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::vector<std::thread> threads;
  std::optional<asio::steady_timer> tick_timer;
  std::function<void()> tick;
  mutable std::mutex mutex;  // stopped, polls
  bool started = false;
  bool stopped = false;
  // Long polls registered with a TransactionWaiters, so that stop() can unhook them while
  // the io_context their timers belong to still exists.
  std::unordered_map<WaiterId, push::TransactionWaiters*> polls;
};

// One waiting long poll. Its strand orders the wake-up, the timer and the answer.
struct PushRuntime::Impl::Poll : std::enable_shared_from_this<Poll> {
  Poll(Impl& impl_in, push::TransactionWaiters& waiters_in, PollRead read_in, Respond respond_in)
      : impl(impl_in),
        strand(asio::make_strand(*impl_in.io)),
        timer(strand),
        waiters(waiters_in),
        read(std::move(read_in)),
        respond(std::move(respond_in)) {}

  // On the strand: the first read. A final state answers now; a pending one waits. Reading on
  // the strand means no read is ever thrown away: a read may finish the caller's sign-in (and
  // make the remember cookie), so the read that sees a final state must be the one answered.
  void begin(std::chrono::seconds wait) {
    if (done) return;
    PollState state = safe_read(read);
    if (!state.pending) {
      answer(std::move(state.response));
      return;
    }
    arm(wait);
  }

  // On the strand, woken by the waiter or the timer: answer with a fresh read, once.
  void finish() {
    if (done) return;
    answer(safe_read(read).response);
  }

  void answer(core::Result<HttpResponse> response) {
    done = true;
    waiters.cancel(id);  // when it already fired, its finish() finds `done`
    impl.forget(id);
    timer.cancel();
    respond(std::move(response));
  }

  // On the strand: give up after `wait` unless the transaction changes first.
  void arm(std::chrono::seconds wait) {
    if (done) return;
    timer.expires_after(wait);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      // A successful cancel means the waiter never fired and never will: answer now.
      if (!ec && self->waiters.cancel(self->id)) self->finish();
    });
  }

  Impl& impl;
  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  push::TransactionWaiters& waiters;
  WaiterId id = 0;
  PollRead read;
  Respond respond;
  bool done = false;
};

PushRuntime::PushRuntime(unsigned threads) : impl_(std::make_unique<Impl>(threads)) {}

PushRuntime::~PushRuntime() { stop(); }

void PushRuntime::start(std::function<void()> tick) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->started || impl_->stopped) return;
  impl_->started = true;
  impl_->guard.emplace(impl_->io->get_executor());
  impl_->tick = std::move(tick);
  impl_->tick_timer.emplace(*impl_->io);
  impl_->schedule_tick();
  for (unsigned i = 0; i < impl_->thread_count; ++i) {
    impl_->threads.emplace_back([io = &*impl_->io] {
      core::name_this_thread("push-io");
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {
          log_failure("push runtime thread caught an exception", e);
        }
      }
    });
  }
}

void PushRuntime::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  impl_->guard.reset();
  impl_->io->stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  // A waiting poll is owned by its waiter callback: unhook them before the io_context (and
  // with it the polls' timers) goes away.
  std::unordered_map<WaiterId, push::TransactionWaiters*> polls;
  {
    std::lock_guard lock(impl_->mutex);
    polls.swap(impl_->polls);
  }
  for (const auto& [id, waiters] : polls) waiters->cancel(id);
  impl_->tick_timer.reset();
  impl_->io.reset();  // destroys the queued work
}

void PushRuntime::post(std::move_only_function<void()> work) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopped) return;
  asio::post(*impl_->io, [work = std::move(work)]() mutable {
    try {
      work();
    } catch (const std::exception& e) {
      log_failure("push runtime work failed", e);
    }
  });
}

void PushRuntime::long_poll(push::TransactionWaiters& waiters, std::string txid,
                            std::chrono::seconds wait, PollRead read, Respond respond) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopped || !impl_->started) wait = std::chrono::seconds(0);
  }
  if (wait <= std::chrono::seconds(0)) {
    respond(safe_read(read).response);
    return;
  }
  auto poll = std::make_shared<Impl::Poll>(*impl_, waiters, std::move(read), std::move(respond));
  // 1. Register first, so a change between the read below and the timer cannot be missed.
  {
    std::lock_guard lock(impl_->mutex);
    poll->id = waiters.wait(std::move(txid),
                            [poll] { asio::post(poll->strand, [poll] { poll->finish(); }); });
    impl_->polls.emplace(poll->id, &waiters);
  }
  // 2. Read and, while pending, arm the timer, on the poll's strand (see Poll::begin).
  asio::post(poll->strand, [poll, wait] { poll->begin(wait); });
}

std::size_t PushRuntime::waiting_polls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->polls.size();
}

}  // namespace twostep::server
