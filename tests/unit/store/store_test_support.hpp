// The store unit tests run once per backend: SQLite on a fresh database file, and
// PostgreSQL on a fresh schema of the server named by TWOSTEP_TEST_PG_URL (scripts/test
// starts one with scripts/pg; without the variable the PostgreSQL runs are skipped). Every
// store opened through the fixture goes through open_store(), like the server's.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <string>

#include "store/migrate.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::store {

enum class Backend { kSqlite, kPostgres };

/// The PostgreSQL server for tests, or "" when none is configured.
inline std::string pg_test_url() {
  const char* url = std::getenv("TWOSTEP_TEST_PG_URL");
  return url == nullptr ? "" : url;
}

/// `url` with one more libpq parameter.
inline std::string with_parameter(const std::string& url, const std::string& parameter) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + parameter;
}

/// A schema of its own on a PostgreSQL server, first on the search path of url(), and
/// dropped with everything in it at the end of the test.
class PgScratchSchema {
 public:
  explicit PgScratchSchema(std::string server_url)
      : server_url_(std::move(server_url)), admin_(server_url_, 1) {
    static std::atomic<int> counter{0};
    name_ = "test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
            std::to_string(std::random_device{}() % 100000);
    url_ = with_parameter(server_url_, "options=-csearch_path%3D" + name_);
    admin_.run(TxMode::kWrite, [&](Tx& tx) {
      tx.exec("CREATE SCHEMA " + name_);
      return true;
    });
  }
  PgScratchSchema(const PgScratchSchema&) = delete;
  PgScratchSchema& operator=(const PgScratchSchema&) = delete;
  ~PgScratchSchema() {
    try {
      admin_.run(TxMode::kWrite, [&](Tx& tx) {
        tx.exec("DROP SCHEMA " + name_ + " CASCADE");
        return true;
      });
    } catch (const StoreError& e) {
      ADD_FAILURE() << "dropping schema " << name_ << ": " << e.what();
    }
  }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  /// A store on the server itself, for statements about other sessions.
  PgStore& admin() { return admin_; }

 private:
  std::string server_url_;
  PgStore admin_;
  std::string name_;
  std::string url_;
};

class StoreTestBase : public ::testing::Test {
 protected:
  virtual Backend backend() const = 0;

  void SetUp() override {
    if (backend() == Backend::kPostgres) {
      if (pg_test_url().empty()) {
        GTEST_SKIP() << "TWOSTEP_TEST_PG_URL is not set (scripts/pg start DIR prints one)";
      }
      schema_.emplace(pg_test_url());
    }
  }

  Dialect dialect() const {
    return backend() == Backend::kSqlite ? Dialect::kSqlite : Dialect::kPostgres;
  }
  std::string url() const {
    if (backend() == Backend::kSqlite) return "sqlite:" + (dir_ / "twostep.db").string();
    return schema_->url();
  }
  std::unique_ptr<Store> open() { return open_store(url()); }
  /// The backend's store without migrations, with at most `max_connections` connections.
  std::unique_ptr<Store> open_unmigrated(std::size_t max_connections = 8) {
    if (backend() == Backend::kSqlite) {
      return std::make_unique<SqliteStore>(dir_ / "twostep.db", max_connections);
    }
    return std::make_unique<PgStore>(url(), max_connections);
  }
  ScriptRunner script_runner() const {
    if (backend() == Backend::kSqlite) return &SqliteStore::exec_script;
    return &PgStore::exec_script;
  }
  /// A column type for binary data in this dialect.
  const char* blob_type() const { return backend() == Backend::kSqlite ? "BLOB" : "BYTEA"; }

  // A scratch table for tests that need one of their own.
  void create_counter_table(Store& store) {
    store.run(TxMode::kWrite, [](Tx& tx) {
      tx.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, step INTEGER NOT NULL)");
      tx.exec("INSERT INTO t (id, step) VALUES (1, 0)");
      return true;
    });
  }
  std::int64_t count(Store& store, const std::string& table) {
    return store.read(
        [&](Tx& tx) { return tx.query_one("SELECT COUNT(*) FROM " + table)->integer(0); });
  }

  twostep::testing::TempDir dir_;
  std::optional<PgScratchSchema> schema_;
};

/// Runs once per backend: TEST_P(StoreTest, …) after TWOSTEP_STORE_BACKENDS(StoreTest).
class StoreTest : public StoreTestBase, public ::testing::WithParamInterface<Backend> {
 protected:
  Backend backend() const override { return GetParam(); }
};

inline void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "sqlite" : "postgres");
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

#define TWOSTEP_STORE_BACKENDS(fixture)                                             \
  INSTANTIATE_TEST_SUITE_P(Store, fixture,                                          \
                           ::testing::Values(Backend::kSqlite, Backend::kPostgres), \
                           ::twostep::store::backend_name)

}  // namespace twostep::store
