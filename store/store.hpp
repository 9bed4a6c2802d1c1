// The Store: transactions over SQLite (embedded default) or PostgreSQL, with portable SQL
// written by the domain modules. Statements use `?` placeholders in both dialects (the
// PostgreSQL implementation rewrites them to $n). Calls block, so they run on worker
// threads, never on I/O threads.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace twostep::store {

using Blob = std::vector<std::uint8_t>;
/// A bound parameter or a column value. Booleans are stored as 0/1 integers.
using Value = std::variant<std::nullptr_t, std::int64_t, std::string, Blob>;
using Params = std::initializer_list<Value>;

/// A database failure (I/O error, constraint violated by a bug, lost connection). It ends
/// the operation: the handler answers 500 `internal_error` and the transaction rolls back.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One result row. Accessors throw StoreError on a type mismatch (a programming error).
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  bool is_null(std::size_t i) const;
  std::int64_t integer(std::size_t i) const;
  bool boolean(std::size_t i) const { return integer(i) != 0; }
  const std::string& text(std::size_t i) const;
  const Blob& blob(std::size_t i) const;
  std::optional<std::int64_t> opt_integer(std::size_t i) const;
  std::optional<std::string> opt_text(std::size_t i) const;

 private:
  std::vector<Value> values_;
};

enum class Dialect { kSqlite, kPostgres };

/// An open transaction. Valid only inside Store::run's callback.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Dialect dialect() const = 0;
  /// Runs one statement and returns its rows (use RETURNING to get rows from writes).
  virtual std::vector<Row> query(std::string_view sql, Params params = {}) = 0;
  /// Runs one statement and returns the number of rows it changed.
  virtual std::int64_t exec(std::string_view sql, Params params = {}) = 0;
  /// The first row, if any.
  std::optional<Row> query_one(std::string_view sql, Params params = {});
};

enum class TxMode { kRead, kWrite };

/// A transaction's body: the transaction commits when it returns true (see Store::run).
using TxBody = std::function<bool(Tx&)>;
/// Called once a write started with Store::run_write_async has finished: `error` is null
/// when it committed or its body chose to roll back, else the exception that ended it.
using WriteDone = std::function<void(std::exception_ptr error)>;

class Store {
 public:
  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;

  /// Runs `body` in one transaction. It commits when `body` returns true and the commit
  /// succeeds (the change is durable when run returns), and rolls back when `body` returns
  /// false or throws (the exception propagates). Write transactions are serialised on
  /// SQLite; on PostgreSQL they run concurrently at READ COMMITTED (also across server
  /// nodes), so races are settled in SQL: a conditional UPDATE (`… WHERE status =
  /// 'pending'`) and its row count, or a row lock. There a failed statement also aborts
  /// the whole transaction: it cannot commit, even if the body catches the StoreError.
  virtual void run(TxMode mode, const std::function<bool(Tx&)>& body) = 0;

  /// Runs `body` in a write transaction like run(TxMode::kWrite, body), but may return
  /// before it has run; `done` is then called exactly once, after the commit (what the
  /// body produced is durable by then) or with the exception that ended the write. On
  /// SQLite the writes queued at the same moment share one transaction and one commit
  /// (each in its own savepoint, so a failing one rolls back only itself); `body` and
  /// `done` run on the store's writer thread, so `done` must be quick and must not call
  /// this store synchronously (that throws StoreError). The default (PostgreSQL: one
  /// transaction per write) runs both on the calling thread before returning. Nested in a
  /// transaction of this store, it throws StoreError.
  virtual void run_write_async(TxBody body, WriteDone done);

  /// Runs `f(tx)` returning Result<T> in a write transaction; commits only on a value.
  template <class F>
  auto write(F&& f) -> decltype(f(std::declval<Tx&>())) {
    std::optional<decltype(f(std::declval<Tx&>()))> out;
    run(TxMode::kWrite, [&](Tx& tx) {
      out.emplace(f(tx));
      return out->has_value();
    });
    return std::move(*out);
  }
  /// Runs `f(tx)` in a read transaction and returns what it returns.
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<Tx&>())) {
    std::optional<decltype(f(std::declval<Tx&>()))> out;
    run(TxMode::kRead, [&](Tx& tx) {
      out.emplace(f(tx));
      return true;
    });
    return std::move(*out);
  }
};

/// Opens "sqlite:PATH" (creating the file) or "postgresql://…", then applies every
/// pending migration. Throws StoreError when the database cannot be opened or migrated.
std::unique_ptr<Store> open_store(const std::string& url);

/// The schema version after migrations (the highest applied migration number).
int schema_version(Store& store);

}  // namespace twostep::store
