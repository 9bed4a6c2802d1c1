// One SQLite connection with its prepared-statement cache. A connection is used by one
// thread at a time (the store's pool hands it out), so it needs no locking of its own.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace twostep::store {

class SqliteConnection {
 public:
  /// Opens (creating) the file and applies the connection's PRAGMAs; throws StoreError.
  explicit SqliteConnection(const std::string& path);
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  /// Runs one statement; appends result rows to `rows` when given. Returns changes().
  /// With `read_only`, a statement that would write is refused (StoreError).
  std::int64_t run(std::string_view sql, Params params, bool read_only, std::vector<Row>* rows);
  /// Runs a script of several statements without parameters (migrations, BEGIN, COMMIT).
  void exec_script(std::string_view sql);
  /// Runs one statement without parameters or rows through the statement cache (BEGIN,
  /// SAVEPOINT, COMMIT… on every transaction: no parsing each time); SQLITE_OK when it
  /// completed, else SQLite's result code (also when it cannot be prepared).
  int try_step(std::string_view sql) noexcept;
  /// True while a transaction is open on this connection.
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  /// The connection's last error message (never contains bound values).
  std::string error_message() const { return sqlite3_errmsg(db_); }
  /// COMMIT, retried while it reports SQLITE_BUSY (a checkpoint can hold the lock longer
  /// than the busy timeout); on failure rolls back and throws StoreError.
  void commit();
  /// Rolls back what is still open (SQLite rolls back by itself after some errors: I/O,
  /// full disk), ignoring errors.
  void rollback_quietly();
  /// After each commit SQLite calls `hook(arg, db, schema, wal_frames)` instead of its own
  /// automatic checkpoint, which the hook then has to run (sqlite3_wal_hook).
  void on_wal_commit(int (*hook)(void*, sqlite3*, const char*, int), void* arg);

 private:
  void switch_to_wal(const std::string& path);
  sqlite3_stmt* prepare(std::string_view sql);
  void clear_cache();
  [[noreturn]] void throw_error(std::string_view context, std::string_view sql) const;

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace twostep::store
