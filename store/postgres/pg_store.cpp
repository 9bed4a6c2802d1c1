// Connection pool, transactions and reconnection for PgStore.
#include "store/postgres/pg_store.hpp"

#include "store/active_store.hpp"
#include "store/postgres/pg_connection.hpp"

namespace twostep::store {
namespace {

constexpr const char* kBeginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED";
constexpr const char* kBeginRead = "BEGIN READ ONLY";

class PgTx final : public Tx {
 public:
  PgTx(PgConnection& conn, bool read_only) : conn_(conn), read_only_(read_only) {}
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::vector<Row> query(std::string_view sql, Params params) override {
    std::vector<Row> rows;
    conn_.run(sql, params, &rows);
    return rows;
  }
  // The server refuses writes in a read transaction (BEGIN READ ONLY).
  std::int64_t exec(std::string_view sql, Params params) override {
    return conn_.run(sql, params, nullptr);
  }
  void exec_script(std::string_view sql) {
    if (read_only_) throw StoreError("a script in a read transaction");
    conn_.exec_script(sql);
  }

 private:
  PgConnection& conn_;
  bool read_only_;
};

}  // namespace

// Borrows a connection from the pool and gives it back when the transaction ends.
class PgStore::Lease {
 public:
  Lease(PgStore& store, bool fresh) : store_(store), conn_(store.acquire(fresh)) {}
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() { store_.release(std::move(conn_)); }
  PgConnection& operator*() const { return *conn_; }

 private:
  PgStore& store_;
  std::unique_ptr<PgConnection> conn_;
};

PgStore::PgStore(std::string url, std::size_t max_connections)
    : url_(std::move(url)), max_connections_(max_connections == 0 ? 1 : max_connections) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url_.c_str(), &error);
  if (options == nullptr) {
    // libpq's message quotes the part it could not parse, which may be the password.
    PQfreemem(error);
    throw StoreError(
        "invalid PostgreSQL URL (expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
        "[?PARAMETER=VALUE&…] with libpq's parameters)");
  }
  PQconninfoFree(options);
}

PgStore::~PgStore() = default;

std::size_t PgStore::open_connections() const {
  std::lock_guard lock(pool_mutex_);
  return open_connections_;
}

std::unique_ptr<PgConnection> PgStore::acquire(bool fresh) {
  std::unique_ptr<PgConnection> conn;
  {
    std::unique_lock lock(pool_mutex_);
    pool_available_.wait(lock,
                         [&] { return !idle_.empty() || open_connections_ < max_connections_; });
    if (!idle_.empty()) {
      conn = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_connections_;
    }
  }
  // The slot is ours now. A connection the server dropped (or, on a retry, any pooled one)
  // gives its slot to a new connection.
  if (conn && !fresh && conn->reusable()) return conn;
  conn.reset();
  try {
    return std::make_unique<PgConnection>(url_);
  } catch (...) {
    {
      std::lock_guard lock(pool_mutex_);
      --open_connections_;
    }
    pool_available_.notify_one();
    throw;
  }
}

void PgStore::release(std::unique_ptr<PgConnection> conn) {
  // A connection still inside a transaction, or cut off, is not handed out again.
  const bool healthy = conn && conn->reusable();
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

void PgStore::drop_idle() {
  std::vector<std::unique_ptr<PgConnection>> dropped;
  {
    std::lock_guard lock(pool_mutex_);
    dropped.swap(idle_);
    open_connections_ -= dropped.size();
  }
  pool_available_.notify_all();
}

void PgStore::run(TxMode mode, const std::function<bool(Tx&)>& body) {
  const ActiveStoreGuard active(this);
  const bool write = mode == TxMode::kWrite;
  for (int attempt = 1;; ++attempt) {
    Lease lease(*this, attempt > 1);
    try {
      (*lease).command(write ? kBeginWrite : kBeginRead);
    } catch (const PgConnectionLost&) {
      // Nothing ran, so the transaction starts over once on a new connection. The other
      // idle connections most likely lost the same server (a restart) and go too.
      drop_idle();
      if (attempt > 1) throw;
      continue;
    }
    run_body(*lease, write, body);
    return;
  }
}

void PgStore::run_body(PgConnection& conn, bool write, const std::function<bool(Tx&)>& body) {
  PgTx tx(conn, !write);
  bool commit = false;
  try {
    commit = body(tx);
  } catch (...) {
    conn.rollback_quietly();
    throw;
  }
  if (!commit) {
    conn.rollback_quietly();
    return;
  }
  std::string tag;
  try {
    tag = conn.command("COMMIT");
  } catch (const PgConnectionLost& e) {
    throw StoreError(
        std::string("the connection to PostgreSQL broke during COMMIT; the transaction may or "
                    "may not have been committed: ") +
        e.what());
  }
  // COMMIT of a transaction in which a statement failed (and the body went on) rolls back.
  if (tag != "COMMIT") {
    throw StoreError("PostgreSQL rolled the transaction back because a statement in it failed");
  }
}

void PgStore::exec_script(Tx& tx, std::string_view sql) {
  auto* pg_tx = dynamic_cast<PgTx*>(&tx);
  if (pg_tx == nullptr) throw StoreError("exec_script needs a PostgreSQL transaction");
  pg_tx->exec_script(sql);
}

}  // namespace twostep::store
