// The WAL is fsynced by SqliteWalSync's thread as it grows; the writer still checkpoints,
// at the threshold the hook sets.
#include "store/sqlite/sqlite_wal_sync.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/unit/core/temp_dir.hpp"

namespace twostep::store {
namespace {

using namespace std::chrono_literals;

// One transaction writing about 1,500 pages: past SQLite's checkpoint threshold.
constexpr std::string_view kBigWrite =
    "BEGIN; WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1500) "
    "INSERT INTO t (b) SELECT randomblob(3000) FROM n; COMMIT;";
constexpr std::uintmax_t kMiB = 1024 * 1024;
constexpr int kNever = 1'000'000;

class SqliteWalSyncTest : public ::testing::Test {
 protected:
  std::uintmax_t database_size() const { return std::filesystem::file_size(path_); }

  twostep::testing::TempDir dir_;
  std::string path_ = (dir_ / "db.sqlite").string();
};

TEST_F(SqliteWalSyncTest, TheWalIsSyncedOnceEnoughFramesAreNew) {
  SqliteWalSync sync(path_, {.checkpoint_frames = kNever, .sync_frames = 100});
  SqliteConnection writer(path_);
  sync.watch(writer);
  writer.exec_script("CREATE TABLE t (b BLOB); INSERT INTO t (b) VALUES (randomblob(10))");
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(sync.syncs(), 0u) << "a few frames do not wake the thread";

  writer.exec_script(kBigWrite);
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (sync.syncs() == 0 && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(sync.syncs(), 1u);
  EXPECT_EQ(sync.checkpoints(), 0u);
}

TEST_F(SqliteWalSyncTest, TheWriterCheckpointsAtTheHooksThresholdOnly) {
  {
    // SQLite's own hook would have checkpointed 1,500 frames; this one waits for more.
    SqliteWalSync sync(path_, {.checkpoint_frames = kNever, .sync_frames = kNever});
    SqliteConnection writer(path_);
    sync.watch(writer);
    writer.exec_script("CREATE TABLE t (b BLOB)");
    writer.exec_script(kBigWrite);
    EXPECT_LT(database_size(), kMiB);  // the pages are still in the WAL only
    EXPECT_EQ(sync.checkpoints(), 0u);
  }
  std::filesystem::remove(path_);
  SqliteWalSync sync(path_, {.checkpoint_frames = 100, .sync_frames = kNever});
  SqliteConnection writer(path_);
  sync.watch(writer);
  writer.exec_script("CREATE TABLE t (b BLOB)");
  writer.exec_script(kBigWrite);
  EXPECT_EQ(sync.checkpoints(), 1u);
  EXPECT_GT(database_size(), 4 * kMiB);  // the pages reached the database file
}

}  // namespace
}  // namespace twostep::store
