// Group commit for SqliteStore: one thread owns the store's write connection and runs every
// write transaction. Each time it wakes it takes all the writes queued at that moment and
// runs them in one SQLite transaction, each inside its own SAVEPOINT (a write whose body
// fails or returns false rolls back only its own part), then COMMITs once and only then
// reports each write's outcome. Many writes thus share one WAL append and one share of the
// checkpoints, while each is still durable before its caller hears about it.
//
// Under concurrent load it also gathers (store/sqlite/write_gathering.hpp): it waits a
// little for more writes before it begins a batch. Without that, a steady stream of requests
// (rather than a burst) wakes the writer for each write alone, and every write pays a whole
// COMMIT and two thread wake-ups.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_connection.hpp"
#include "store/sqlite/write_gathering.hpp"
#include "store/store.hpp"

namespace twostep::store {

class SqliteWriter {
 public:
  /// Half a millisecond: long enough for a few requests to arrive at a few thousand a
  /// second, short against the time a batch takes to run at that rate.
  static constexpr std::chrono::microseconds kDefaultGather{500};

  /// Starts the writer thread on `conn`. `owner` is the store whose transactions it runs:
  /// the thread is marked as inside one, so a body or a completion that calls the store
  /// synchronously fails (StoreError) instead of waiting for itself.
  /// `gather` bounds how long a batch waits for writes to join it (zero: never waits).
  SqliteWriter(const Store* owner, std::unique_ptr<SqliteConnection> conn,
               std::chrono::microseconds gather = kDefaultGather);
  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;
  /// Runs every write still queued, then stops the thread.
  ~SqliteWriter();

  /// Queues a write. `done` is called exactly once on the writer thread: after the COMMIT
  /// that made the body's changes durable, or with the exception that ended it (the
  /// body's own, or a StoreError when the batch's transaction failed). Writes run in the
  /// order they were submitted.
  void submit(TxBody body, WriteDone done);

  /// Writes in the largest batch so far (for tests and diagnostics).
  std::size_t largest_batch() const;
  /// Batches run so far (for tests and diagnostics).
  std::size_t batches() const;

 private:
  struct Job {
    TxBody body;
    WriteDone done;
    std::exception_ptr error;
    bool kept = false;  // the body returned true and its savepoint was released
  };

  static void fail_kept(std::span<Job> jobs, std::size_t first, std::size_t end,
                        const std::exception_ptr& error);
  void loop(const Store* owner);
  void gather(std::unique_lock<std::mutex>& lock, std::size_t last_batch);
  void run_batch(std::span<Job> jobs);
  std::size_t run_transaction(std::span<Job> jobs, std::size_t first);
  bool run_job(Job& job);

  std::unique_ptr<SqliteConnection> conn_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Job> queue_;
  // How many queued writes wake the writer: 1, or while it gathers, the batch it waits for
  // (so the writes joining a batch do not each wake it just to count them).
  std::size_t wake_at_ = 1;
  WriteGathering gathering_;  // under mutex_
  bool stopping_ = false;
  std::size_t largest_batch_ = 0;
  std::size_t batches_ = 0;
  std::thread thread_;
};

}  // namespace twostep::store
