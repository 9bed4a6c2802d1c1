// A PostgreSQL LISTEN on one channel, on a libpq connection and a thread of its own: the
// thread waits with poll() on the connection's socket, hands each notification's payload
// to a callback, and after a lost connection reconnects with backoff (100 ms doubling to
// 5 s). The callback for a (re)established LISTEN lets the owner catch up on what it may
// have missed while no connection was listening. Used for cross-node delivery
// (push/cluster_fanout.hpp); knows nothing of what the payloads mean.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace twostep::store {

class PgListener {
 public:
  /// Runs on the listener's thread for each notification; exceptions are logged and dropped.
  using OnMessage = std::function<void(std::string_view payload)>;
  /// Runs on the listener's thread each time LISTEN is in place: `after_loss` is false the
  /// first time and true after every reconnection (notifications in between are lost).
  using OnListening = std::function<void(bool after_loss)>;

  /// `channel` is an identifier (letters, digits, '_'). Nothing runs before start().
  PgListener(std::string url, std::string channel, OnMessage on_message, OnListening on_listening);
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;
  /// Stops the thread (stop()).
  ~PgListener();

  /// Starts the thread. Throws StoreError for a channel name that is not an identifier.
  void start();
  /// Wakes and joins the thread; idempotent. The callbacks do not run after it returns.
  void stop();
  /// True while LISTEN is in place on a live connection.
  bool listening() const { return listening_.load(); }

 private:
  void run();
  // Connects, listens and reads notifications until the connection fails or stop() is
  // called. False when it never got to listen (the reason is logged).
  struct Connection;
  bool listen_until_lost(Connection& conn);
  // Waits `ms`, returning early (false) when stop() is called.
  bool pause(int ms);

  std::string url_;  // may hold a password: never logged
  std::string channel_;
  OnMessage on_message_;
  OnListening on_listening_;
  int wake_fd_ = -1;  // eventfd that stop() writes to
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{false};
  bool listened_once_ = false;  // only the listener's thread reads and writes it
  std::thread thread_;
};

}  // namespace twostep::store
