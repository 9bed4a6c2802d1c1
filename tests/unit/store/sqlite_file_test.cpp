#include "store/sqlite/sqlite_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "store/migrate.hpp"
#include "store/store.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::store {
namespace {

namespace fs = std::filesystem;

int newest_migration() { return embedded_migrations(Dialect::kSqlite).back().version; }

std::int64_t count_rows(Store& store) {
  return store.read(
      [](Tx& tx) { return tx.query_one("SELECT COUNT(*) FROM backup_probe")->integer(0); });
}

void insert_rows(Store& store, int n) {
  for (int i = 0; i < n; ++i) {
    store.run(TxMode::kWrite, [&](Tx& tx) {
      tx.exec("INSERT INTO backup_probe (v) VALUES (?)", {std::int64_t{i}});
      return true;
    });
  }
}

class SqliteFile : public ::testing::Test {
 protected:
  SqliteFile() : store_(open_store("sqlite:" + db_.string())) {
    store_->run(TxMode::kWrite, [](Tx& tx) {
      tx.exec("CREATE TABLE backup_probe (v INTEGER NOT NULL)");
      return true;
    });
  }
  twostep::testing::TempDir dir_;
  fs::path db_ = dir_ / "twostep.db";
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteFile, BackupIsAPrivateSelfContainedCopyOfEveryCommit) {
  insert_rows(*store_, 50);  // committed rows live in the WAL, not yet in the main file
  const fs::path copy = dir_ / "backup.db";
  backup_sqlite(db_, copy);
  struct stat st {};
  ASSERT_EQ(::stat(copy.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(dir_ / "backup.db-wal"));
  const SqliteFileReport report = inspect_sqlite_file(copy);
  EXPECT_EQ(report.integrity, "ok");
  EXPECT_EQ(report.schema_version, newest_migration());
  auto reopened = open_store("sqlite:" + copy.string());
  EXPECT_EQ(count_rows(*reopened), 50);
}

TEST_F(SqliteFile, BackupWhileAnotherConnectionWritesIsOneConsistentSnapshot) {
  insert_rows(*store_, 20);
  std::jthread writer([&] { insert_rows(*store_, 200); });
  const fs::path copy = dir_ / "backup.db";
  backup_sqlite(db_, copy);
  writer.join();
  auto reopened = open_store("sqlite:" + copy.string());
  const std::int64_t copied = count_rows(*reopened);
  EXPECT_GE(copied, 20);
  EXPECT_LE(copied, 220);
  // Rows are inserted in order, so a consistent snapshot holds a prefix of them.
  const std::int64_t distinct = reopened->read([](Tx& tx) {
    return tx.query_one("SELECT COUNT(DISTINCT rowid) FROM backup_probe")->integer(0);
  });
  EXPECT_EQ(distinct, copied);
  EXPECT_EQ(inspect_sqlite_file(copy).integrity, "ok");
}

TEST_F(SqliteFile, InspectRefusesWhatIsNotADatabase) {
  const fs::path junk = dir_ / "junk.db";
  std::ofstream(junk) << std::string(4096, 'x');
  EXPECT_THROW(inspect_sqlite_file(junk), StoreError);
  EXPECT_THROW(inspect_sqlite_file(dir_ / "missing.db"), StoreError);
  EXPECT_THROW(backup_sqlite(dir_ / "missing.db", dir_ / "out.db"), StoreError);
  EXPECT_FALSE(fs::exists(dir_ / "out.db"));
}

TEST_F(SqliteFile, CheckpointFoldsTheWalIntoTheMainFile) {
  insert_rows(*store_, 30);
  store_.reset();
  checkpoint_sqlite(db_);
  const fs::path moved = dir_ / "moved.db";
  fs::rename(db_, moved);
  std::error_code ec;
  fs::remove(dir_ / "twostep.db-wal", ec);
  fs::remove(dir_ / "twostep.db-shm", ec);
  auto reopened = open_store("sqlite:" + moved.string());
  EXPECT_EQ(count_rows(*reopened), 30);
}

}  // namespace
}  // namespace twostep::store
