// The WAL-syncing thread and the writer's commit hook.
#include "store/sqlite/sqlite_wal_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "core/thread_name.hpp"

namespace twostep::store {

SqliteWalSync::SqliteWalSync(const std::string& database_path, WalSyncLimits limits)
    : wal_path_(database_path + "-wal"), limits_(limits), thread_([this] { loop(); }) {}

SqliteWalSync::~SqliteWalSync() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void SqliteWalSync::watch(SqliteConnection& writer) { writer.on_wal_commit(on_commit, this); }

std::size_t SqliteWalSync::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

// On the writer thread, right after a commit: a checkpoint where SQLite would run one,
// otherwise at most a wake-up.
int SqliteWalSync::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto* sync = static_cast<SqliteWalSync*>(self);
  if (frames < sync->synced_frames_) sync->synced_frames_ = 0;  // the WAL started over
  if (frames >= sync->limits_.checkpoint_frames) {
    // What SQLite's own hook does; a failure (busy, I/O) is tried again at the next commit.
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    ++sync->checkpoints_;
  } else if (frames - sync->synced_frames_ >= sync->limits_.sync_frames) {
    sync->synced_frames_ = frames;
    sync->wake();
  }
  return SQLITE_OK;
}

void SqliteWalSync::wake() {
  {
    std::lock_guard lock(mutex_);
    due_ = true;
  }
  wake_.notify_one();
}

void SqliteWalSync::loop() {
  core::name_this_thread("sqlite-walsync");
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return due_ || stopping_; });
    if (stopping_) return;
    due_ = false;
    lock.unlock();
    const bool synced = sync_wal();
    lock.lock();
    if (synced) ++syncs_;
  }
}

// Opened each time, so that a WAL file SQLite deleted and made anew is the one synced. A
// failure only leaves the fsync to the next checkpoint, as without this thread.
bool SqliteWalSync::sync_wal() const {
  const int fd = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool synced = ::fdatasync(fd) == 0;
  ::close(fd);
  return synced;
}

}  // namespace twostep::store
