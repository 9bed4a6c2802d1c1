// Row accessors, Tx helpers, and open_store: the one place that picks a backend from the
// database URL.
#include "store/store.hpp"

#include "core/clock.hpp"
#include "store/active_store.hpp"
#include "store/migrate.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace twostep::store {
namespace {

const char* type_name(const Value& v) {
  switch (v.index()) {
    case 0:
      return "NULL";
    case 1:
      return "integer";
    case 2:
      return "text";
    default:
      return "blob";
  }
}

template <class T>
const T& get_as(const std::vector<Value>& values, std::size_t i, const char* wanted) {
  if (i >= values.size()) {
    throw StoreError("column " + std::to_string(i) + " is out of range (the row has " +
                     std::to_string(values.size()) + ")");
  }
  const T* v = std::get_if<T>(&values[i]);
  if (v == nullptr) {
    throw StoreError("column " + std::to_string(i) + " is " + type_name(values[i]) + ", not " +
                     wanted);
  }
  return *v;
}

// Brings a newly opened store's schema up to date with the scripts of its dialect.
template <class S>
std::unique_ptr<Store> migrated(std::unique_ptr<S> store) {
  const core::SystemClock clock;
  migrate(*store, embedded_migrations(store->dialect()), &S::exec_script, clock);
  return store;
}

}  // namespace

bool Row::is_null(std::size_t i) const {
  if (i >= values_.size()) {
    throw StoreError("column " + std::to_string(i) + " is out of range");
  }
  return std::holds_alternative<std::nullptr_t>(values_[i]);
}

std::int64_t Row::integer(std::size_t i) const {
  return get_as<std::int64_t>(values_, i, "integer");
}

const std::string& Row::text(std::size_t i) const {
  return get_as<std::string>(values_, i, "text");
}

const Blob& Row::blob(std::size_t i) const { return get_as<Blob>(values_, i, "blob"); }

std::optional<std::int64_t> Row::opt_integer(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return integer(i);
}

std::optional<std::string> Row::opt_text(std::size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

std::optional<Row> Tx::query_one(std::string_view sql, Params params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

void Store::run_write_async(TxBody body, WriteDone done) {
  ActiveStoreGuard::refuse_nested(this);
  std::exception_ptr error;
  try {
    run(TxMode::kWrite, body);
  } catch (...) {
    error = std::current_exception();
  }
  done(error);
}

std::unique_ptr<Store> open_store(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    return migrated(std::make_unique<SqliteStore>(url.substr(kSqlite.size())));
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return migrated(std::make_unique<PgStore>(url));
  }
  const auto colon = url.find(':');
  const std::string scheme = colon == std::string::npos ? url : url.substr(0, colon);
  throw StoreError("unsupported database URL scheme '" + scheme +
                   "'; use sqlite:PATH or postgresql://");
}

int schema_version(Store& store) {
  return store.read([](Tx& tx) {
    const auto row = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return static_cast<int>(row ? row->integer(0) : 0);
  });
}

}  // namespace twostep::store
