// Connection pool and transaction handling for SqliteStore.
#include "store/sqlite/sqlite_store.hpp"

#include "store/active_store.hpp"

namespace twostep::store {
namespace {

// COMMIT waits out locks through the busy timeout; a few more attempts cover a checkpoint
// that happened to hold the lock for longer.
constexpr int kCommitAttempts = 3;

class SqliteTx final : public Tx {
 public:
  SqliteTx(SqliteConnection& conn, bool read_only) : conn_(conn), read_only_(read_only) {}
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::vector<Row> query(std::string_view sql, Params params) override {
    std::vector<Row> rows;
    conn_.run(sql, params, read_only_, &rows);
    return rows;
  }
  std::int64_t exec(std::string_view sql, Params params) override {
    return conn_.run(sql, params, read_only_, nullptr);
  }
  void exec_script(std::string_view sql) {
    if (read_only_) throw StoreError("a script in a read transaction");
    conn_.exec_script(sql);
  }

 private:
  SqliteConnection& conn_;
  bool read_only_;
};

void rollback_quietly(SqliteConnection& conn) {
  // SQLite rolls back by itself after some errors (I/O, full disk); only roll back what
  // is still open.
  if (conn.in_transaction()) conn.try_exec("ROLLBACK");
}

}  // namespace

// Borrows a connection from the pool and gives it back when the transaction ends.
class SqliteStore::Lease {
 public:
  explicit Lease(SqliteStore& store) : store_(store), conn_(store.acquire()) {}
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() { store_.release(std::move(conn_)); }
  SqliteConnection& operator*() const { return *conn_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<SqliteConnection> conn_;
};

SqliteStore::SqliteStore(const std::filesystem::path& path, std::size_t max_connections)
    : path_(path.string()), max_connections_(max_connections == 0 ? 1 : max_connections) {
  if (path_.empty() || path_ == ":memory:" || path_.starts_with("file:")) {
    // Each pooled connection would get its own private database.
    throw StoreError("SQLite needs a file path (sqlite:PATH), not '" + path_ + "'");
  }
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  // The first connection is opened now so that a bad path fails at start-up.
  idle_.push_back(std::make_unique<SqliteConnection>(path_));
  open_connections_ = 1;
}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<SqliteConnection> SqliteStore::acquire() {
  std::unique_lock lock(pool_mutex_);
  pool_available_.wait(lock,
                       [&] { return !idle_.empty() || open_connections_ < max_connections_; });
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  ++open_connections_;
  lock.unlock();
  try {
    return std::make_unique<SqliteConnection>(path_);
  } catch (...) {
    lock.lock();
    --open_connections_;
    pool_available_.notify_one();
    throw;
  }
}

void SqliteStore::release(std::unique_ptr<SqliteConnection> conn) {
  // A connection whose transaction could not be closed is not handed out again.
  const bool healthy = conn && !conn->in_transaction();
  if (!healthy) conn.reset();
  {
    std::lock_guard lock(pool_mutex_);
    if (healthy) {
      idle_.push_back(std::move(conn));
    } else {
      --open_connections_;
    }
  }
  pool_available_.notify_one();
}

void SqliteStore::finish(SqliteConnection& conn, bool commit) {
  if (!commit) {
    if (conn.try_exec("ROLLBACK") != SQLITE_OK && conn.in_transaction()) {
      throw StoreError("SQLite rollback failed: " + conn.error_message());
    }
    return;
  }
  for (int attempt = 1;; ++attempt) {
    const int rc = conn.try_exec("COMMIT");
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY || attempt == kCommitAttempts) {
      const std::string message = conn.error_message();
      rollback_quietly(conn);
      throw StoreError("SQLite commit failed: " + message);
    }
  }
}

void SqliteStore::run(TxMode mode, const std::function<bool(Tx&)>& body) {
  const ActiveStoreGuard active(this);
  const bool write = mode == TxMode::kWrite;
  Lease lease(*this);
  SqliteConnection& conn = *lease;
  // Writers queue on this mutex instead of spinning in SQLite's busy handler;
  // BEGIN IMMEDIATE still guards against writers in other processes.
  std::unique_lock<std::mutex> write_lock;
  if (write) write_lock = std::unique_lock(write_mutex_);

  conn.exec_script(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  SqliteTx tx(conn, !write);
  bool commit = false;
  try {
    commit = body(tx);
  } catch (...) {
    rollback_quietly(conn);
    throw;
  }
  finish(conn, commit);
}

void SqliteStore::exec_script(Tx& tx, std::string_view sql) {
  auto* sqlite_tx = dynamic_cast<SqliteTx*>(&tx);
  if (sqlite_tx == nullptr) throw StoreError("exec_script needs a SQLite transaction");
  sqlite_tx->exec_script(sql);
}

}  // namespace twostep::store
