// Fresh PostgreSQL databases through libpq (CREATE DATABASE runs outside a transaction,
// which the Store does not offer), and SQL on a server's database through the Store.
#include "tests/integration/harness/test_database.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>

#include "store/store.hpp"

namespace twostep::testing {
namespace {

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string server_url() { return environment("TWOSTEP_TEST_PG_URL"); }

// `url` with its database name (the path, before any ?parameters) replaced by `name`.
std::string with_database(const std::string& url, const std::string& name) {
  const std::size_t scheme = url.find("://");
  const std::size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const std::size_t query = url.find('?', host);
  const std::size_t slash = url.find('/', host);
  const std::size_t path = slash < query ? slash : query;
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  return url.substr(0, path == std::string::npos ? url.size() : path) + "/" + name + rest;
}

// Runs one statement outside a transaction on the server's own database.
void exec_on_server(const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(server_url().c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(conn.get())));
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
  }
}

// Skips every test of a `pg.` run when no PostgreSQL server is configured, so a developer
// without one still passes. GoogleTest reports a skip in the global set-up only as its
// message, so the line CTest recognises as a skip (SKIP_REGULAR_EXPRESSION of
// gtest_discover_tests) is printed here.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (postgres_backend() && server_url().empty()) {
      constexpr const char* kWhy =
          "TWOSTEP_TEST_PG_URL is not set (scripts/pg start DIR prints one)";
      std::printf("[  SKIPPED ] %s\n", kWhy);
      GTEST_SKIP() << kWhy;
    }
  }
};

[[maybe_unused]] const auto* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

}  // namespace

bool postgres_backend() { return environment("TWOSTEP_ITEST_BACKEND") == "postgres"; }

PgTestDatabase::PgTestDatabase() {
  static std::atomic<int> counter{0};
  name_ = "itest_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" +
          std::to_string(std::random_device{}() % 1000000);
  exec_on_server("CREATE DATABASE " + name_);
  url_ = with_database(server_url(), name_);
}

PgTestDatabase::~PgTestDatabase() {
  try {
    exec_on_server("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    ADD_FAILURE() << "dropping database " << name_ << ": " << e.what();
  }
}

void db_exec(const std::string& db_url, const std::string& sql) {
  store::open_store(db_url)->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec(sql);
    return true;
  });
}

std::int64_t db_integer(const std::string& db_url, const std::string& sql) {
  return store::open_store(db_url)->read([&](store::Tx& tx) {
    auto row = tx.query_one(sql);
    return row ? row->integer(0) : std::int64_t{-1};
  });
}

std::string pg_database_text(const std::string& db_url) {
  return store::open_store(db_url)->read([](store::Tx& tx) {
    std::string text;
    for (const auto& table :
         tx.query("SELECT table_name::text FROM information_schema.tables "
                  "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")) {
      for (const auto& row : tx.query("SELECT t::text FROM \"" + table.text(0) + "\" t")) {
        text += row.text(0) + '\n';
      }
    }
    return text;
  });
}

}  // namespace twostep::testing
