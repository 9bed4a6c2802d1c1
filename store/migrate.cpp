// Applies pending migrations. Each one re-checks schema_migrations inside its own write
// transaction, so two processes starting on the same database at once apply it only once.
// On PostgreSQL those transactions run concurrently (READ COMMITTED), so each also takes a
// transaction-level advisory lock first: the second node waits, then sees the first
// node's rows (and tables) instead of racing it into a duplicate CREATE TABLE.
#include "store/migrate.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace twostep::store {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// Any fixed key will do; this one spells "twostep" in ASCII.
constexpr std::int64_t kMigrationLockKey = 0x74776f73746570;

// Serialises migration transactions across processes; released by COMMIT or ROLLBACK.
// SQLite needs nothing: its write transactions are serialised already.
void lock_migrations(Tx& tx) {
  if (tx.dialect() == Dialect::kPostgres) {
    tx.query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey});
  }
}

std::set<std::int64_t> applied_versions(Tx& tx) {
  std::set<std::int64_t> out;
  for (const Row& row : tx.query("SELECT version FROM schema_migrations")) {
    out.insert(row.integer(0));
  }
  return out;
}

void refuse_downgrade(const std::set<std::int64_t>& applied,
                      std::span<const Migration> migrations) {
  const std::int64_t known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && *applied.rbegin() > known) {
    throw StoreError("the database schema is at version " + std::to_string(*applied.rbegin()) +
                     " but this build knows versions up to " + std::to_string(known) +
                     "; run the newer release (downgrades are not supported)");
  }
}

}  // namespace

void migrate(Store& store, std::span<const Migration> migrations, const ScriptRunner& run_script,
             const core::Clock& clock) {
  std::set<std::int64_t> applied;
  store.run(TxMode::kWrite, [&](Tx& tx) {
    lock_migrations(tx);
    tx.exec(kCreateTable);
    applied = applied_versions(tx);
    return true;
  });
  refuse_downgrade(applied, migrations);

  for (const Migration& m : migrations) {
    if (applied.contains(m.version)) continue;
    store.run(TxMode::kWrite, [&](Tx& tx) {
      lock_migrations(tx);
      if (tx.query_one("SELECT 1 FROM schema_migrations WHERE version = ?",
                       {std::int64_t{m.version}})) {
        return false;  // another process applied it meanwhile
      }
      try {
        run_script(tx, m.sql);
      } catch (const StoreError& e) {
        throw StoreError("migration " + std::to_string(m.version) + "_" + std::string(m.name) +
                         " failed: " + e.what());
      }
      tx.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
              {std::int64_t{m.version}, std::string(m.name), core::unix_seconds(clock.now())});
      return true;
    });
  }
}

}  // namespace twostep::store
