// Connection admission against the file-descriptor budget.
#include "server/connection_slot.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace twostep::server {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    limiter_ = std::move(other.limiter_);
  }
  return *this;
}

void ConnectionSlot::release() {
  if (limiter_) {
    limiter_->release();
    limiter_.reset();
  }
}

std::optional<ConnectionSlot> ConnectionLimiter::try_acquire() {
  std::size_t current = open_.load();
  do {
    if (current >= max_open_) return std::nullopt;
  } while (!open_.compare_exchange_weak(current, current + 1));
  gauge_.add(1);
  return ConnectionSlot(shared_from_this());
}

void ConnectionLimiter::release() {
  open_.fetch_sub(1);
  gauge_.add(-1);
}

std::size_t max_connections_for_fd_limit() {
  // Descriptors kept back for the SQLite files, certificates, logs and worker threads.
  constexpr rlim_t kReserve = 128;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024 - kReserve;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  rlim_t usable = limit.rlim_cur == RLIM_INFINITY ? rlim_t{1} << 20 : limit.rlim_cur;
  return static_cast<std::size_t>(std::max<rlim_t>(usable, 2 * kReserve) - kReserve);
}

}  // namespace twostep::server
