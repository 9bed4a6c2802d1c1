// The embedded SQLite backend in WAL mode. Readers run in parallel on a small pool of
// connections; every write transaction runs on the store's one writer thread and its own
// connection, which commits the writes queued at the same moment together (group commit,
// store/sqlite/sqlite_writer.hpp). BEGIN IMMEDIATE still serialises writers across
// processes (an admin command next to the server).
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/sqlite_wal_sync.hpp"
#include "store/sqlite/sqlite_writer.hpp"
#include "store/store.hpp"

namespace twostep::store {

class SqliteStore final : public Store {
 public:
  static constexpr std::size_t kDefaultMaxConnections = 8;

  /// Opens (creating) the database file and the writer's connection; throws StoreError.
  /// `max_connections` bounds the readers' pool. Does not migrate: open_store() does that.
  explicit SqliteStore(const std::filesystem::path& path,
                       std::size_t max_connections = kDefaultMaxConnections);
  ~SqliteStore() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  /// kWrite hands `body` to the writer thread and waits for its batch's commit. Nested
  /// calls on the same store from inside `body` throw StoreError (they would deadlock on
  /// the writer or the pool).
  void run(TxMode mode, const std::function<bool(Tx&)>& body) override;
  /// Queues `body` for the writer thread's next batch and returns at once.
  void run_write_async(TxBody body, WriteDone done) override;

  /// Runs a multi-statement script (a migration) in `tx`, which must come from a
  /// SqliteStore.
  static void exec_script(Tx& tx, std::string_view sql);

  /// The most writes one commit has carried so far.
  std::size_t largest_batch() const { return writer_->largest_batch(); }

 private:
  class Lease;
  std::unique_ptr<SqliteConnection> acquire();
  void release(std::unique_ptr<SqliteConnection> conn);
  void run_read(const std::function<bool(Tx&)>& body);
  void run_write(const std::function<bool(Tx&)>& body);

  std::string path_;
  std::size_t max_connections_;
  std::mutex pool_mutex_;
  std::condition_variable pool_available_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;
  std::size_t open_connections_ = 0;
  // Declared before the writer: it must outlive the writer's last commit.
  std::unique_ptr<SqliteWalSync> wal_sync_;
  std::unique_ptr<SqliteWriter> writer_;
};

}  // namespace twostep::store
