// Group commit in SqliteStore: writes queued together share one transaction, each in its
// own savepoint; nobody hears back before the commit; order is kept.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <future>
#include <mutex>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::store {
namespace {

using namespace std::chrono_literals;

// What one async write reported, filled in by its completion.
struct Outcome {
  std::promise<std::exception_ptr> reported;
  std::future<std::exception_ptr> future = reported.get_future();
};

class SqliteGroupCommit : public ::testing::Test {
 protected:
  SqliteGroupCommit() {
    store_.run(TxMode::kWrite, [](Tx& tx) {
      tx.exec("CREATE TABLE t (v INTEGER PRIMARY KEY)");
      return true;
    });
  }

  // Occupies the writer until the returned promise is set, so that the writes submitted
  // meanwhile are all taken as one batch.
  std::promise<void> hold_writer() {
    std::promise<void> release;
    auto entered = std::make_shared<std::promise<void>>();
    auto entered_future = entered->get_future();
    store_.run_write_async(
        [gate = release.get_future().share(), entered](Tx&) {
          entered->set_value();
          EXPECT_EQ(gate.wait_for(20s), std::future_status::ready);
          return true;
        },
        [](std::exception_ptr) {});
    entered_future.wait();
    return release;
  }

  void insert_async(std::int64_t v, Outcome& out, bool keep = true, bool fail = false) {
    store_.run_write_async(
        [v, keep, fail](Tx& tx) {
          tx.exec("INSERT INTO t (v) VALUES (?)", {v});
          if (fail) throw StoreError("this write fails");
          return keep;
        },
        [&out](std::exception_ptr error) { out.reported.set_value(error); });
  }

  std::vector<std::int64_t> values() {
    return store_.read([](Tx& tx) {
      std::vector<std::int64_t> out;
      for (const Row& row : tx.query("SELECT v FROM t ORDER BY v")) out.push_back(row.integer(0));
      return out;
    });
  }

  // The rows another connection sees: only committed ones.
  std::int64_t committed_rows() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM t", -1, &stmt, nullptr);
    std::int64_t n = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }

  twostep::testing::TempDir dir_;
  std::string path_ = (dir_ / "db.sqlite").string();
  SqliteStore store_{path_};
};

TEST_F(SqliteGroupCommit, AFailingWriteRollsBackOnlyItself) {
  auto release = hold_writer();
  Outcome kept1, thrown, declined, kept2;
  insert_async(1, kept1);
  insert_async(2, thrown, true, true);
  insert_async(3, declined, false);
  insert_async(4, kept2);
  release.set_value();

  EXPECT_EQ(kept1.future.get(), nullptr);
  const std::exception_ptr error = thrown.future.get();
  ASSERT_NE(error, nullptr);
  EXPECT_THROW(std::rethrow_exception(error), StoreError);
  EXPECT_EQ(declined.future.get(), nullptr);
  EXPECT_EQ(kept2.future.get(), nullptr);
  EXPECT_EQ(store_.largest_batch(), 4u);
  EXPECT_EQ(values(), (std::vector<std::int64_t>{1, 4}));
}

TEST_F(SqliteGroupCommit, NoWriteHearsBackBeforeTheWholeBatchCommitted) {
  auto release = hold_writer();
  std::vector<std::int64_t> seen;  // written by the writer thread, read after it is done
  std::promise<void> all_done;
  for (std::int64_t v = 1; v <= 3; ++v) {
    store_.run_write_async(
        [v](Tx& tx) {
          tx.exec("INSERT INTO t (v) VALUES (?)", {v});
          return true;
        },
        [&, v](std::exception_ptr error) {
          EXPECT_EQ(error, nullptr);
          // Every write of the batch, the later ones too, is already visible elsewhere.
          seen.push_back(committed_rows());
          if (v == 3) all_done.set_value();
        });
  }
  release.set_value();
  ASSERT_EQ(all_done.get_future().wait_for(20s), std::future_status::ready);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{3, 3, 3}));
  EXPECT_EQ(store_.largest_batch(), 3u);
}

TEST_F(SqliteGroupCommit, WritesRunAndCompleteInSubmissionOrder) {
  auto release = hold_writer();
  std::vector<int> ran, completed;
  std::promise<void> all_done;
  constexpr int kWrites = 50;
  for (int i = 0; i < kWrites; ++i) {
    store_.run_write_async(
        [&, i](Tx& tx) {
          ran.push_back(i);
          tx.exec("INSERT INTO t (v) VALUES (?)", {std::int64_t{i}});
          return true;
        },
        [&, i](std::exception_ptr) {
          completed.push_back(i);
          if (i == kWrites - 1) all_done.set_value();
        });
  }
  release.set_value();
  ASSERT_EQ(all_done.get_future().wait_for(20s), std::future_status::ready);
  std::vector<int> expected(kWrites);
  for (int i = 0; i < kWrites; ++i) expected[static_cast<std::size_t>(i)] = i;
  EXPECT_EQ(ran, expected);
  EXPECT_EQ(completed, expected);
}

TEST_F(SqliteGroupCommit, AWriteThatEndsTheTransactionFailsTheBatchBeforeIt) {
  // A write that rolls back the whole transaction (as SQLite does after an I/O error)
  // takes the batch's earlier writes with it: they fail instead of being reported as
  // committed. The writes after it run in a fresh transaction.
  auto release = hold_writer();
  Outcome before, breaker, after;
  insert_async(1, before);
  store_.run_write_async(
      [](Tx& tx) {
        tx.exec("ROLLBACK");
        return true;
      },
      [&](std::exception_ptr error) { breaker.reported.set_value(error); });
  insert_async(3, after);
  release.set_value();

  EXPECT_NE(before.future.get(), nullptr);
  EXPECT_NE(breaker.future.get(), nullptr);
  EXPECT_EQ(after.future.get(), nullptr);
  EXPECT_EQ(values(), (std::vector<std::int64_t>{3}));
}

TEST_F(SqliteGroupCommit, SynchronousWritesFromManyThreadsAllCommit) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        store_.run(TxMode::kWrite, [&](Tx& tx) {
          tx.exec("INSERT INTO t (v) VALUES (?)", {std::int64_t{t * 100 + i}});
          return true;
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(committed_rows(), 200);
}

TEST_F(SqliteGroupCommit, UsingTheStoreFromTheWriterThreadFailsInsteadOfWaitingForItself) {
  std::promise<std::exception_ptr> from_body, from_done;
  store_.run_write_async(
      [&](Tx&) {
        try {
          store_.run(TxMode::kWrite, [](Tx&) { return true; });
          from_body.set_value(nullptr);
        } catch (...) {
          from_body.set_value(std::current_exception());
        }
        return true;
      },
      [&](std::exception_ptr) {
        try {
          store_.read([](Tx&) { return 0; });
          from_done.set_value(nullptr);
        } catch (...) {
          from_done.set_value(std::current_exception());
        }
      });
  EXPECT_NE(from_body.get_future().get(), nullptr);
  EXPECT_NE(from_done.get_future().get(), nullptr);
  store_.read([&](Tx&) {
    EXPECT_THROW(store_.run_write_async([](Tx&) { return true; }, [](std::exception_ptr) {}),
                 StoreError);
    return 0;
  });
}

}  // namespace
}  // namespace twostep::store
