// Counts open connections against a cap, so a flood of sockets cannot exhaust the process's
// file descriptors. A ConnectionSlot is held for as long as its connection lives, including
// after an HTTP connection is handed over to a WebSocket session.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

#include "server/metrics.hpp"

namespace twostep::server {

class ConnectionLimiter;

/// One admitted connection; releases its place when destroyed. Movable, not copyable.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::shared_ptr<ConnectionLimiter> limiter)
      : limiter_(std::move(limiter)) {}
  ConnectionSlot(ConnectionSlot&&) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

 private:
  void release();
  std::shared_ptr<ConnectionLimiter> limiter_;
};

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  /// `gauge` tracks the open count (twostep_open_connections) and must outlive the limiter.
  ConnectionLimiter(std::size_t max_open, Gauge& gauge) : max_open_(max_open), gauge_(gauge) {}
  /// A slot, or nullopt when max_open connections are already open.
  std::optional<ConnectionSlot> try_acquire();
  std::size_t open() const { return open_.load(); }
  std::size_t max_open() const { return max_open_; }

 private:
  friend class ConnectionSlot;
  void release();

  std::size_t max_open_;
  Gauge& gauge_;
  std::atomic<std::size_t> open_{0};
};

/// Raises the soft RLIMIT_NOFILE to the hard limit and returns how many connections fit
/// under it, keeping a reserve for the database, certificates and logs.
std::size_t max_connections_for_fd_limit();

}  // namespace twostep::server
