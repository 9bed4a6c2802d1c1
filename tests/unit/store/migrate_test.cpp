#include "store/migrate.hpp"

#include <gtest/gtest.h>

#include <future>
#include <latch>
#include <vector>

#include "tests/unit/store/store_test_support.hpp"

namespace twostep::store {
namespace {

bool has_table(Store& store, const std::string& name) {
  const char* sql = store.dialect() == Dialect::kSqlite
                        ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                        : "SELECT 1 FROM information_schema.tables "
                          "WHERE table_schema = current_schema() AND table_name = ?";
  return store.read([&](Tx& tx) { return tx.query_one(sql, {name}).has_value(); });
}

using MigrateTest = StoreTest;
TWOSTEP_STORE_BACKENDS(MigrateTest);

TEST(EmbeddedMigrations, AreSortedAndStartAtOne) {
  for (Dialect d : {Dialect::kSqlite, Dialect::kPostgres}) {
    const auto list = embedded_migrations(d);
    ASSERT_FALSE(list.empty());
    EXPECT_EQ(list.front().version, 1);
    EXPECT_EQ(list.front().name, "foundation");
    for (std::size_t i = 1; i < list.size(); ++i) EXPECT_LT(list[i - 1].version, list[i].version);
  }
  EXPECT_NE(embedded_migrations(Dialect::kSqlite).front().sql.find("CREATE TABLE audit_log"),
            std::string_view::npos);
}

TEST_P(MigrateTest, FromEmptyCreatesTablesAndRecordsEveryVersion) {
  auto store = open();
  const auto known = embedded_migrations(dialect());
  EXPECT_EQ(schema_version(*store), known.back().version);
  for (const char* table :
       {"users", "admin_tokens", "applications", "settings", "audit_log", "schema_migrations"}) {
    EXPECT_TRUE(has_table(*store, table)) << table;
  }
  EXPECT_EQ(count(*store, "schema_migrations"), static_cast<std::int64_t>(known.size()));
  const auto row = store->read([](Tx& tx) {
    return tx.query_one("SELECT name, applied_at FROM schema_migrations WHERE version = 1");
  });
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->text(0), "foundation");
  EXPECT_GT(row->integer(1), 1'600'000'000);
}

TEST_P(MigrateTest, ReopeningIsIdempotent) {
  open().reset();
  auto store = open();
  EXPECT_EQ(schema_version(*store), embedded_migrations(dialect()).back().version);
  EXPECT_EQ(count(*store, "schema_migrations"),
            static_cast<std::int64_t>(embedded_migrations(dialect()).size()));
}

TEST_P(MigrateTest, RefusesADatabaseFromANewerRelease) {
  open()->run(TxMode::kWrite, [](Tx& tx) {
    tx.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
    return true;
  });
  try {
    open();
    FAIL() << "a newer schema was accepted";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("9999"), std::string::npos) << e.what();
  }
}

TEST_P(MigrateTest, AppliesPendingScriptsInOrderAndStopsAtAFailure) {
  const auto custom = open_unmigrated();
  Store& store = *custom;
  const core::ManualClock clock(core::from_unix_seconds(1'700'000'000));
  const Migration first[] = {
      {1, "one", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
      {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO b SELECT x + 1 FROM a;"},
  };
  migrate(store, first, script_runner(), clock);
  EXPECT_EQ(schema_version(store), 2);
  EXPECT_EQ(count(store, "b"), 1);

  const Migration more[] = {
      first[0],
      first[1],
      {3, "three", "CREATE TABLE c (z INTEGER);"},
      {4, "broken", "CREATE TABLE d (w INTEGER); INSERT INTO nowhere VALUES (1);"},
  };
  try {
    migrate(store, more, script_runner(), clock);
    FAIL() << "a broken migration was applied";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("4_broken"), std::string::npos) << e.what();
  }
  // Migration 3 committed; migration 4 rolled back entirely, table d included.
  EXPECT_EQ(schema_version(store), 3);
  EXPECT_TRUE(has_table(store, "c"));
  EXPECT_FALSE(has_table(store, "d"));
  const auto applied_at = store.read([](Tx& tx) {
    return tx.query_one("SELECT applied_at FROM schema_migrations WHERE version = 3")->integer(0);
  });
  EXPECT_EQ(applied_at, 1'700'000'000);
}

TEST_P(MigrateTest, StoresStartingAtOnceApplyEachMigrationOnce) {
  // Two (here four) server nodes starting together on an empty database.
  constexpr int kStores = 4;
  std::latch start(kStores);
  std::vector<std::future<std::unique_ptr<Store>>> opened;
  for (int i = 0; i < kStores; ++i) {
    opened.push_back(std::async(std::launch::async, [&] {
      start.arrive_and_wait();
      return open();
    }));
  }
  for (auto& f : opened) EXPECT_NO_THROW(f.get());
  auto store = open();
  const auto known = embedded_migrations(dialect());
  EXPECT_EQ(count(*store, "schema_migrations"), static_cast<std::int64_t>(known.size()));
  EXPECT_EQ(schema_version(*store), known.back().version);
}

}  // namespace
}  // namespace twostep::store
