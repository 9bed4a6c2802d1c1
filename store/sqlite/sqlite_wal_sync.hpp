// Keeps the WAL's fsync out of the writer's checkpoints. In WAL mode with
// synchronous=NORMAL a commit does not fsync; SQLite's automatic checkpoint, every 1,000
// frames inside the COMMIT that crosses them (on the writer thread), first fsyncs the WAL
// (about 4 MB written since the last one: ~4 ms on this project's test machine), then
// copies the pages and fsyncs the database file (~1.3 ms). Every write queued behind that
// commit waits: at 3,700 TOTP verifications/s the p99 was 9–12 ms. This thread fsyncs the
// WAL every 128 new frames, so the checkpoint's own WAL fsync finds almost nothing left to
// write (the p99 halves: docs/BENCHMARKS.md). The extra fsyncs only make committed data
// reach the disk sooner.
//
// The checkpoints stay where SQLite puts them: on the writer, PASSIVE, at the same
// threshold. Running them beside the writer on a connection of their own was tried: SQLite
// starts the WAL over only when a write begins with every frame already copied, which a
// checkpoint beside a busy writer never sees, and the WAL grew by about 95 MB a second.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_connection.hpp"

namespace twostep::store {

/// WAL lengths, in frames (one page each).
struct WalSyncLimits {
  int checkpoint_frames = 1000;  // the writer checkpoints (SQLite's own default)
  int sync_frames = 128;         // new frames since the last fsync that start another
};

class SqliteWalSync {
 public:
  /// Starts the thread for the WAL of the database at `database_path`.
  explicit SqliteWalSync(const std::string& database_path, WalSyncLimits limits = {});
  SqliteWalSync(const SqliteWalSync&) = delete;
  SqliteWalSync& operator=(const SqliteWalSync&) = delete;
  /// Stops the thread. Must outlive every connection it watches.
  ~SqliteWalSync();

  /// From now on `writer`'s commits report the WAL's length here, and its checkpoints run
  /// from here at `checkpoint_frames`.
  void watch(SqliteConnection& writer);
  /// Successful fsyncs of the WAL so far (for tests and diagnostics).
  std::size_t syncs() const;
  /// Checkpoints the watched writer has run (for tests and diagnostics).
  std::size_t checkpoints() const { return checkpoints_.load(); }

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void wake();
  void loop();
  bool sync_wal() const;

  const std::string wal_path_;
  const WalSyncLimits limits_;
  int synced_frames_ = 0;  // the WAL's length when the thread was last woken (writer only)
  std::atomic<std::size_t> checkpoints_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stopping_ = false;
  std::size_t syncs_ = 0;
  std::thread thread_;
};

}  // namespace twostep::store
