// The embedded SQLite backend: a small pool of WAL-mode connections. Readers run in
// parallel on their own connections; writers are serialised in-process by a mutex and
// across processes by BEGIN IMMEDIATE.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_connection.hpp"
#include "store/store.hpp"

namespace twostep::store {

class SqliteStore final : public Store {
 public:
  static constexpr std::size_t kDefaultMaxConnections = 8;

  /// Opens (creating) the database file and its first connection; throws StoreError.
  /// Does not migrate: open_store() does that.
  explicit SqliteStore(const std::filesystem::path& path,
                       std::size_t max_connections = kDefaultMaxConnections);
  ~SqliteStore() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  /// Nested calls on the same store from inside `body` throw StoreError (they would
  /// deadlock on the write lock or the pool).
  void run(TxMode mode, const std::function<bool(Tx&)>& body) override;

  /// Runs a multi-statement script (a migration) in `tx`, which must come from a
  /// SqliteStore.
  static void exec_script(Tx& tx, std::string_view sql);

 private:
  class Lease;
  std::unique_ptr<SqliteConnection> acquire();
  void release(std::unique_ptr<SqliteConnection> conn);
  void finish(SqliteConnection& conn, bool commit);

  std::string path_;
  std::size_t max_connections_;
  std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  std::size_t open_connections_ = 0;
  std::mutex write_mutex_;
};

}  // namespace twostep::store
