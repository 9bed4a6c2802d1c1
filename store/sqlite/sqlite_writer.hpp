// Group commit for SqliteStore: one thread owns the store's write connection and runs every
// write transaction. Each time it wakes it takes all the writes queued at that moment and
// runs them in one SQLite transaction, each inside its own SAVEPOINT (a write whose body
// fails or returns false rolls back only its own part), then COMMITs once and only then
// reports each write's outcome. Many writes thus share one WAL append and one share of the
// checkpoints, while each is still durable before its caller hears about it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_connection.hpp"
#include "store/store.hpp"

namespace twostep::store {

class SqliteWriter {
 public:
  /// Starts the writer thread on `conn`. `owner` is the store whose transactions it runs:
  /// the thread is marked as inside one, so a body or a completion that calls the store
  /// synchronously fails (StoreError) instead of waiting for itself.
  SqliteWriter(const Store* owner, std::unique_ptr<SqliteConnection> conn);
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
  void run_batch(std::span<Job> jobs);
  std::size_t run_transaction(std::span<Job> jobs, std::size_t first);
  bool run_job(Job& job);

  std::unique_ptr<SqliteConnection> conn_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Job> queue_;
  bool stopping_ = false;
  std::size_t largest_batch_ = 0;
  std::thread thread_;
};

}  // namespace twostep::store
