// The PostgreSQL backend: a bounded pool of libpq connections, opened on demand. Write
// transactions run at READ COMMITTED, concurrently (across threads and across server
// nodes): races are settled by row locks, i.e. conditional UPDATEs whose row counts say
// who won. A pooled connection that the server dropped (restart, terminated backend) is
// replaced, and a transaction that lost its connection before running any statement is
// retried once on a fresh one; after COMMIT was sent, a lost connection is an error
// because its outcome is unknown.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace twostep::store {

class PgConnection;

class PgStore final : public Store {
 public:
  static constexpr std::size_t kDefaultMaxConnections = 10;

  /// Checks the URL's syntax (StoreError) but connects only when a transaction needs a
  /// connection. Does not migrate: open_store() does that.
  explicit PgStore(std::string url, std::size_t max_connections = kDefaultMaxConnections);
  ~PgStore() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  /// kWrite: BEGIN ISOLATION LEVEL READ COMMITTED; kRead: BEGIN READ ONLY. A statement
  /// that fails aborts the whole transaction (later statements fail too, and it never
  /// commits). Nested calls on the same store from inside `body` throw StoreError.
  void run(TxMode mode, const std::function<bool(Tx&)>& body) override;

  /// Runs a multi-statement script (a migration) in `tx`, which must come from a PgStore.
  static void exec_script(Tx& tx, std::string_view sql);

  /// Connections open now, idle or in use (never more than max_connections).
  std::size_t open_connections() const;

 private:
  class Lease;
  std::unique_ptr<PgConnection> acquire(bool fresh);
  void release(std::unique_ptr<PgConnection> conn);
  void drop_idle();
  static void run_body(PgConnection& conn, bool write, const std::function<bool(Tx&)>& body);

  std::string url_;  // may hold a password: never shown in messages
  std::size_t max_connections_;
  mutable std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  std::size_t open_connections_ = 0;
};

}  // namespace twostep::store
