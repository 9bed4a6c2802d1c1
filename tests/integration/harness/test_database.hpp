// The database an integration test's server runs on. By default every server has its own
// SQLite file in its data dir. With TWOSTEP_ITEST_BACKEND=postgres (the `pg.` copies of the
// integration tests, see tests/integration/CMakeLists.txt) every server gets a fresh
// PostgreSQL database, created on the server named by TWOSTEP_TEST_PG_URL and dropped at
// the end; without that URL those copies are skipped. The helpers below read and edit the
// running server's database the same way on either backend.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace twostep::testing {

/// True when this run's servers use PostgreSQL (TWOSTEP_ITEST_BACKEND=postgres).
bool postgres_backend();

/// A fresh database of its own on the PostgreSQL server of TWOSTEP_TEST_PG_URL; the
/// destructor drops it (closing any connection left). Throws when it cannot be created.
class PgTestDatabase {
 public:
  PgTestDatabase();
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  /// postgresql://…/NAME, for `--db`.
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
};

/// Runs one statement on the database at `db_url` (sqlite:PATH or postgresql://…) while the
/// server may have it open; throws store::StoreError on failure.
void db_exec(const std::string& db_url, const std::string& sql);
/// The first column of the first row of `sql` as an integer, or -1 when there is no row.
std::int64_t db_integer(const std::string& db_url, const std::string& sql);
/// Every row of every table of a PostgreSQL database as text (bytea as \x hex), to look for
/// secrets that must not be stored in the clear.
std::string pg_database_text(const std::string& db_url);

}  // namespace twostep::testing
