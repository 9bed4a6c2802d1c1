// The writer thread of SqliteStore and its batches.
#include "store/sqlite/sqlite_writer.hpp"

#include <algorithm>
#include <utility>

#include "core/thread_name.hpp"
#include "store/active_store.hpp"
#include "store/sqlite/sqlite_tx.hpp"

namespace twostep::store {
namespace {

std::exception_ptr store_error(const std::string& message) {
  return std::make_exception_ptr(StoreError(message));
}

}  // namespace

// The outcome every kept write of [first, end) gets when their shared transaction is lost
// after they ran: their changes are gone, so they fail like a failed commit.
void SqliteWriter::fail_kept(std::span<Job> jobs, std::size_t first, std::size_t end,
                             const std::exception_ptr& error) {
  for (std::size_t i = first; i < end; ++i) {
    if (jobs[i].kept) {
      jobs[i].kept = false;
      jobs[i].error = error;
    }
  }
}

SqliteWriter::SqliteWriter(const Store* owner, std::unique_ptr<SqliteConnection> conn,
                           std::chrono::microseconds gather)
    : conn_(std::move(conn)), gathering_(gather), thread_([this, owner] { loop(owner); }) {}

SqliteWriter::~SqliteWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void SqliteWriter::submit(TxBody body, WriteDone done) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Job{std::move(body), std::move(done), nullptr, false});
    gathering_.arrived(std::chrono::steady_clock::now());
    wake = queue_.size() >= wake_at_;
  }
  if (wake) wake_.notify_one();
}

std::size_t SqliteWriter::largest_batch() const {
  std::lock_guard lock(mutex_);
  return largest_batch_;
}

std::size_t SqliteWriter::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

void SqliteWriter::loop(const Store* owner) {
  core::name_this_thread("sqlite-writer");
  const ActiveStoreGuard active(owner);
  std::vector<Job> batch;
  std::size_t last_batch = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      gather(lock, last_batch);
      batch.swap(queue_);
      largest_batch_ = std::max(largest_batch_, batch.size());
      ++batches_;
    }
    last_batch = batch.size();
    run_batch(batch);
    batch.clear();
  }
}

// Gives the writes the gathering rule expects time to join the batch (up to its window);
// the last of them wakes the writer.
void SqliteWriter::gather(std::unique_lock<std::mutex>& lock, std::size_t last_batch) {
  const std::size_t target = gathering_.target(queue_.size(), last_batch);
  if (target == 0 || stopping_) return;
  wake_at_ = target;
  wake_.wait_for(lock, gathering_.window(), [&] { return queue_.size() >= target || stopping_; });
  wake_at_ = 1;
}

void SqliteWriter::run_batch(std::span<Job> jobs) {
  std::size_t next = 0;
  while (next < jobs.size()) next = run_transaction(jobs, next);
  // Only now, with everything committed (or failed), does any caller hear back.
  for (Job& job : jobs) {
    try {
      job.done(job.error);
    } catch (...) {
      // A completion must not throw; if one does, the other writes still complete.
    }
  }
}

// Runs the writes from `first` in one transaction until all have run or the transaction is
// lost; returns the index after the last write it settled.
std::size_t SqliteWriter::run_transaction(std::span<Job> jobs, std::size_t first) {
  if (conn_->try_step("BEGIN IMMEDIATE") != SQLITE_OK) {
    const auto error = store_error("SQLite could not begin a write: " + conn_->error_message());
    for (std::size_t i = first; i < jobs.size(); ++i) jobs[i].error = error;
    return jobs.size();
  }
  for (std::size_t i = first; i < jobs.size(); ++i) {
    if (!run_job(jobs[i])) {
      // SQLite rolled the whole transaction back (I/O error, full disk), or a savepoint
      // could not be closed: the writes before this one are lost with it.
      const auto lost =
          store_error("SQLite write transaction rolled back: " + conn_->error_message());
      conn_->rollback_quietly();
      fail_kept(jobs, first, i, lost);
      jobs[i].kept = false;
      if (!jobs[i].error) jobs[i].error = lost;
      return i + 1;
    }
  }
  try {
    conn_->commit();
  } catch (...) {
    fail_kept(jobs, first, jobs.size(), std::current_exception());
  }
  return jobs.size();
}

// One write inside its own savepoint. False when the enclosing transaction is no longer
// usable.
bool SqliteWriter::run_job(Job& job) {
  if (conn_->try_step("SAVEPOINT job") != SQLITE_OK) {
    job.error = store_error("SQLite savepoint failed: " + conn_->error_message());
    return false;
  }
  bool keep = false;
  try {
    SqliteTx tx(*conn_, false);
    keep = job.body(tx);
  } catch (...) {
    job.error = std::current_exception();
  }
  if (!conn_->in_transaction()) {
    if (!job.error) job.error = store_error("SQLite rolled back the transaction");
    return false;
  }
  if (!keep || job.error) {
    if (conn_->try_step("ROLLBACK TO job") != SQLITE_OK) return false;
  }
  if (conn_->try_step("RELEASE job") != SQLITE_OK) return false;
  job.kept = keep && !job.error;
  return true;
}

}  // namespace twostep::store
