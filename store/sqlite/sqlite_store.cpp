// Reader pool and write hand-off for SqliteStore.
#include "store/sqlite/sqlite_store.hpp"

#include "store/active_store.hpp"
#include "store/sqlite/sqlite_tx.hpp"

namespace twostep::store {
namespace {

// Negative: KiB. Grows only as pages are used.
constexpr std::string_view kWriterCacheSize = "PRAGMA cache_size=-32768";

// What a synchronous write waits on; shared with the completion so that neither side can
// outlive it.
struct WriteWait {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::exception_ptr error;
};

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
  // The writer's connection is opened now so that a bad path fails at start-up. Its page
  // cache is larger than SQLite's default (2 MiB): writes land on index pages all over
  // the file (the audit log's per-user index), and only this connection's cache survives
  // from one transaction to the next (a reader's is dropped whenever the file changed).
  auto conn = std::make_unique<SqliteConnection>(path_);
  conn->exec_script(kWriterCacheSize);
  wal_sync_ = std::make_unique<SqliteWalSync>(path_);
  wal_sync_->watch(*conn);
  writer_ = std::make_unique<SqliteWriter>(this, std::move(conn));
}

// The writer goes first: it runs what is still queued, which may need nothing else.
SqliteStore::~SqliteStore() { writer_.reset(); }

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

void SqliteStore::run(TxMode mode, const std::function<bool(Tx&)>& body) {
  const ActiveStoreGuard active(this);
  if (mode == TxMode::kWrite) {
    run_write(body);
  } else {
    run_read(body);
  }
}

void SqliteStore::run_read(const std::function<bool(Tx&)>& body) {
  Lease lease(*this);
  SqliteConnection& conn = *lease;
  if (conn.try_step("BEGIN DEFERRED") != SQLITE_OK) {
    throw StoreError("SQLite could not begin a read: " + conn.error_message());
  }
  SqliteTx tx(conn, true);
  bool commit = false;
  try {
    commit = body(tx);
  } catch (...) {
    conn.rollback_quietly();
    throw;
  }
  if (commit) {
    conn.commit();
  } else if (conn.try_step("ROLLBACK") != SQLITE_OK && conn.in_transaction()) {
    throw StoreError("SQLite rollback failed: " + conn.error_message());
  }
}

void SqliteStore::run_write(const std::function<bool(Tx&)>& body) {
  auto wait = std::make_shared<WriteWait>();
  // `body` outlives the write: this thread waits below until the writer is done with it.
  writer_->submit([&body](Tx& tx) { return body(tx); },
                  [wait](std::exception_ptr error) {
                    std::lock_guard lock(wait->mutex);
                    wait->error = std::move(error);
                    wait->done = true;
                    wait->finished.notify_one();
                  });
  std::unique_lock lock(wait->mutex);
  wait->finished.wait(lock, [&] { return wait->done; });
  if (wait->error) std::rethrow_exception(wait->error);
}

void SqliteStore::run_write_async(TxBody body, WriteDone done) {
  ActiveStoreGuard::refuse_nested(this);
  writer_->submit(std::move(body), std::move(done));
}

void SqliteStore::exec_script(Tx& tx, std::string_view sql) {
  auto* sqlite_tx = dynamic_cast<SqliteTx*>(&tx);
  if (sqlite_tx == nullptr) throw StoreError("exec_script needs a SQLite transaction");
  sqlite_tx->exec_script(sql);
}

}  // namespace twostep::store
