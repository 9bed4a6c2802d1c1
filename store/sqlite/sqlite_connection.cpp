// SQLite connection set-up, statement cache, parameter binding and column mapping.
#include "store/sqlite/sqlite_connection.hpp"

#include <cctype>
#include <chrono>
#include <thread>

namespace twostep::store {
namespace {

// Statements are static SQL text in the code, so the cache stays small; the bound only
// guards against SQL accidentally built at run time.
constexpr std::size_t kMaxCachedStatements = 256;
constexpr int kBusyTimeoutMs = 10'000;
constexpr std::size_t kSqlInErrors = 160;
// COMMIT waits out locks through the busy timeout; a few more attempts cover a checkpoint
// that happened to hold the lock for longer.
constexpr int kCommitAttempts = 3;

// Resets a statement and drops its bindings on every exit path, so the next use of the
// cached statement starts clean and no parameter (possibly a secret) stays attached.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;
  ~StatementReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

bool only_whitespace_or_semicolons(const char* p, const char* end) {
  for (; p < end; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') return false;
  }
  return true;
}

int bind_value(sqlite3_stmt* stmt, int index, const Value& value) {
  // SQLITE_STATIC is safe: the parameters outlive the statement's use, and StatementReset
  // clears the bindings before the call returns.
  switch (value.index()) {
    case 0:
      return sqlite3_bind_null(stmt, index);
    case 1:
      return sqlite3_bind_int64(stmt, index, std::get<std::int64_t>(value));
    case 2: {
      const auto& s = std::get<std::string>(value);
      return sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    default: {
      // A null pointer would bind NULL, so an empty blob is bound as a zero-length blob.
      const auto& b = std::get<Blob>(value);
      if (b.empty()) return sqlite3_bind_zeroblob(stmt, index, 0);
      return sqlite3_bind_blob64(stmt, index, b.data(), b.size(), SQLITE_STATIC);
    }
  }
}

Value column_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_NULL:
      return nullptr;
    case SQLITE_INTEGER:
      return std::int64_t{sqlite3_column_int64(stmt, i)};
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, i));
      const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt, i));
      return p == nullptr ? Blob{} : Blob(p, p + n);
    }
    default: {
      const char* name = sqlite3_column_name(stmt, i);
      throw StoreError(std::string("column '") + (name ? name : "?") +
                       "' is REAL, which the store does not map; CAST it to INTEGER or TEXT");
    }
  }
}

// SQLite's memory statistics take a global mutex on every allocation, shared by all
// connections and threads; nothing here reads them. This must run before the library
// initialises (the first open), so every open in the store goes through here first.
void configure_sqlite_once() {
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

Row read_row(sqlite3_stmt* stmt) {
  const int n = sqlite3_column_count(stmt);
  std::vector<Value> values;
  values.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) values.push_back(column_value(stmt, i));
  return Row(std::move(values));
}

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) {
  configure_sqlite_once();
  // NOMUTEX: the pool gives a connection to one thread at a time.
  const int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    throw StoreError("cannot open SQLite database " + path + ": " + message);
  }
  try {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    switch_to_wal(path);
    // In WAL mode, synchronous=NORMAL writes every commit to the WAL file before COMMIT
    // returns but fsyncs only at checkpoints. A committed transaction therefore survives
    // a crash or kill -9 of this process (the data is in the kernel's page cache); only a
    // power loss or kernel crash can lose the last commits, and never corrupts the file.
    // FULL would fsync each commit and costs about ten times the throughput.
    exec_script("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  } catch (...) {
    clear_cache();
    sqlite3_close_v2(db_);
    throw;
  }
}

// Switching a new database to WAL needs an exclusive lock. When several connections try at
// once (nodes starting together), SQLite answers all but one with SQLITE_BUSY at once, or
// leaves their mode unchanged, instead of waiting: connections holding shared locks that
// waited for each other would deadlock. So the busy timeout does not cover it, and the
// switch is tried again until that timeout.
void SqliteConnection::switch_to_wal(const std::string& path) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    std::vector<Row> mode;
    try {
      run("PRAGMA journal_mode=WAL", {}, false, &mode);
    } catch (const StoreError&) {
      const bool busy = (sqlite3_errcode(db_) & 0xff) == SQLITE_BUSY;
      if (!busy || std::chrono::steady_clock::now() >= deadline) throw;
    }
    if (!mode.empty() && mode.front().text(0) == "wal") return;
    if (std::chrono::steady_clock::now() >= deadline) {
      throw StoreError("cannot switch " + path + " to WAL mode");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

SqliteConnection::~SqliteConnection() {
  clear_cache();
  sqlite3_close_v2(db_);
}

void SqliteConnection::clear_cache() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
}

void SqliteConnection::throw_error(std::string_view context, std::string_view sql) const {
  std::string message = std::string(context) + ": " + sqlite3_errmsg(db_);
  if (!sql.empty()) {
    // The SQL text holds only placeholders, never values, so it is safe to show.
    message += " [SQL: " + std::string(sql.substr(0, kSqlInErrors)) +
               (sql.size() > kSqlInErrors ? "…" : "") + "]";
  }
  throw StoreError(message);
}

sqlite3_stmt* SqliteConnection::prepare(std::string_view sql) {
  std::string key(sql);
  if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCachedStatements) clear_cache();

  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, &tail) != SQLITE_OK) {
    throw_error("SQLite prepare failed", sql);
  }
  if (stmt == nullptr) throw StoreError("empty SQL statement");
  if (!only_whitespace_or_semicolons(tail, sql.data() + sql.size())) {
    sqlite3_finalize(stmt);
    throw StoreError("one statement per call; use a migration for scripts [SQL: " +
                     std::string(sql.substr(0, kSqlInErrors)) + "]");
  }
  cache_.emplace(std::move(key), stmt);
  return stmt;
}

std::int64_t SqliteConnection::run(std::string_view sql, Params params, bool read_only,
                                   std::vector<Row>* rows) {
  sqlite3_stmt* stmt = prepare(sql);
  StatementReset reset(stmt);
  if (read_only && sqlite3_stmt_readonly(stmt) == 0) {
    throw StoreError("a write statement in a read transaction [SQL: " +
                     std::string(sql.substr(0, kSqlInErrors)) + "]");
  }
  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != params.size()) {
    throw StoreError("the statement has " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                     " placeholders but " + std::to_string(params.size()) +
                     " parameters were given [SQL: " + std::string(sql.substr(0, kSqlInErrors)) +
                     "]");
  }
  int index = 1;
  for (const Value& value : params) {
    if (bind_value(stmt, index++, value) != SQLITE_OK) throw_error("SQLite bind failed", sql);
  }
  // changes() keeps the count of the last INSERT/UPDATE/DELETE, so a statement that
  // changed nothing (a SELECT, DDL) is recognised by total_changes() standing still.
  const sqlite3_int64 total_before = sqlite3_total_changes64(db_);
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw_error("SQLite statement failed", sql);
    if (rows != nullptr) rows->push_back(read_row(stmt));
  }
  return sqlite3_total_changes64(db_) == total_before ? 0 : sqlite3_changes64(db_);
}

void SqliteConnection::exec_script(std::string_view sql) {
  const std::string script(sql);  // sqlite3_exec needs a terminating NUL
  if (sqlite3_exec(db_, script.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw_error("SQLite script failed", {});
  }
}

int SqliteConnection::try_step(std::string_view sql) noexcept {
  sqlite3_stmt* stmt = nullptr;
  try {
    stmt = prepare(sql);
  } catch (...) {
    return SQLITE_ERROR;  // the connection's error message says why
  }
  StatementReset reset(stmt);
  const int rc = sqlite3_step(stmt);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void SqliteConnection::commit() {
  for (int attempt = 1;; ++attempt) {
    const int rc = try_step("COMMIT");
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY || attempt == kCommitAttempts) {
      const std::string message = error_message();
      rollback_quietly();
      throw StoreError("SQLite commit failed: " + message);
    }
  }
}

void SqliteConnection::rollback_quietly() {
  if (in_transaction()) try_step("ROLLBACK");
}

void SqliteConnection::on_wal_commit(int (*hook)(void*, sqlite3*, const char*, int), void* arg) {
  sqlite3_wal_hook(db_, hook, arg);
}

}  // namespace twostep::store
