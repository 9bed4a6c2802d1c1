#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "core/error.hpp"
#include "tests/unit/store/store_test_support.hpp"

namespace twostep::store {
namespace {

// The Store contract, checked on every backend.
using StoreBackendTest = StoreTest;
TWOSTEP_STORE_BACKENDS(StoreBackendTest);

core::Result<int> insert_user(Tx& tx, const std::string& id) {
  tx.exec(
      "INSERT INTO users (id, username, username_key, display_name, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, 0, 0)",
      {id, id, id, id});
  return 1;
}

TEST_P(StoreBackendTest, WriteCommitsOnAValueAndRollsBackOnAnError) {
  auto store = open();
  const auto ok = store->write([](Tx& tx) { return insert_user(tx, "alice"); });
  ASSERT_TRUE(ok.has_value());
  const auto failed = store->write([](Tx& tx) -> core::Result<int> {
    insert_user(tx, "bob");
    return core::fail(core::ErrorKind::kConflict, "nope", "rolled back");
  });
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, "nope");
  EXPECT_EQ(count(*store, "users"), 1);
}

TEST_P(StoreBackendTest, RunCommitsOnTrueAndRollsBackOnFalse) {
  auto store = open();
  store->run(TxMode::kWrite, [](Tx& tx) { return insert_user(tx, "a").has_value(); });
  store->run(TxMode::kWrite, [](Tx& tx) {
    insert_user(tx, "b");
    return false;
  });
  EXPECT_EQ(count(*store, "users"), 1);
}

TEST_P(StoreBackendTest, AnExceptionRollsBackAndPropagates) {
  auto store = open();
  EXPECT_THROW(store->run(TxMode::kWrite,
                          [](Tx& tx) -> bool {
                            insert_user(tx, "carol");
                            throw std::runtime_error("handler failed");
                          }),
               std::runtime_error);
  EXPECT_EQ(count(*store, "users"), 0);
  // A constraint violation is a StoreError and leaves the store usable.
  store->write([](Tx& tx) { return insert_user(tx, "dave"); });
  EXPECT_THROW(store->write([](Tx& tx) { return insert_user(tx, "dave"); }), StoreError);
  EXPECT_EQ(count(*store, "users"), 1);
}

TEST_P(StoreBackendTest, ErrorsDoNotRevealParameterValues) {
  auto store = open();
  store->write([](Tx& tx) { return insert_user(tx, "s3cret-value"); });
  try {
    store->write([](Tx& tx) { return insert_user(tx, "s3cret-value"); });
    FAIL() << "duplicate accepted";
  } catch (const StoreError& e) {
    const std::string message = e.what();
    std::string lower = message;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_NE(lower.find("unique"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret-value"), std::string::npos) << message;
  }
}

TEST_P(StoreBackendTest, DataSurvivesClosingAndReopening) {
  {
    auto store = open();
    store->write([](Tx& tx) { return insert_user(tx, "erin"); });
  }
  auto store = open();
  const auto row = store->read([](Tx& tx) {
    return tx.query_one("SELECT username, status FROM users WHERE id = ?", {"erin"});
  });
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->text(0), "erin");
  EXPECT_EQ(row->text(1), "active");
}

TEST_P(StoreBackendTest, MapsEveryValueType) {
  auto store = open();
  // PostgreSQL text cannot hold a NUL byte (PgStoreTest checks that it is refused).
  const std::string odd =
      dialect() == Dialect::kSqlite ? std::string("a\0b", 3) : std::string("a'\\?\"b\xc3\xa9");
  store->run(TxMode::kWrite, [&](Tx& tx) {
    tx.exec(std::string("CREATE TABLE v (i BIGINT, s TEXT, b ") + blob_type() + ", n TEXT)");
    tx.exec("INSERT INTO v VALUES (?, ?, ?, ?)", {std::int64_t{-5}, odd, Blob{0, 1, 255}, nullptr});
    tx.exec("INSERT INTO v VALUES (?, ?, ?, ?)", {INT64_MAX, std::string(), Blob{}, "x"});
    return true;
  });
  const auto rows =
      store->read([](Tx& tx) { return tx.query("SELECT i, s, b, n FROM v ORDER BY i"); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].integer(0), -5);
  EXPECT_EQ(rows[0].text(1), odd);
  EXPECT_EQ(rows[0].blob(2), (Blob{0, 1, 255}));
  EXPECT_TRUE(rows[0].is_null(3));
  EXPECT_EQ(rows[0].opt_text(3), std::nullopt);
  EXPECT_EQ(rows[1].integer(0), INT64_MAX);
  EXPECT_EQ(rows[1].opt_integer(0), INT64_MAX);
  EXPECT_EQ(rows[1].text(1), "");
  EXPECT_FALSE(rows[1].is_null(2));  // an empty blob is not NULL
  EXPECT_TRUE(rows[1].blob(2).empty());
  EXPECT_EQ(rows[1].opt_text(3), "x");
}

TEST_P(StoreBackendTest, RefusesMisuse) {
  auto store = open();
  // Wrong number of parameters.
  EXPECT_THROW(store->read([](Tx& tx) { return tx.query("SELECT ?", {}); }), StoreError);
  EXPECT_THROW(store->read([](Tx& tx) { return tx.query("SELECT 1", {std::int64_t{1}}); }),
               StoreError);
  // Two statements in one call.
  EXPECT_THROW(store->read([](Tx& tx) { return tx.query("SELECT 1; SELECT 2"); }), StoreError);
  // A write in a read transaction.
  EXPECT_THROW(store->read([](Tx& tx) { return insert_user(tx, "x"); }), StoreError);
  // A nested transaction on the same store.
  EXPECT_THROW(store->read([&](Tx&) { return store->read([](Tx&) { return 1; }); }), StoreError);
  // REAL columns are not mapped.
  EXPECT_THROW(store->read([](Tx& tx) { return tx.query("SELECT 1.5"); }), StoreError);
  EXPECT_EQ(count(*store, "users"), 0);
  // Trailing semicolons and whitespace are fine.
  EXPECT_EQ(store->read([](Tx& tx) { return tx.query_one("SELECT 7; \n")->integer(0); }), 7);
}

TEST_P(StoreBackendTest, ExecReturnsChangedRowsOnly) {
  auto store = open();
  create_counter_table(*store);
  store->run(TxMode::kWrite, [](Tx& tx) {
    EXPECT_EQ(tx.exec("UPDATE t SET step = 1 WHERE id = 1"), 1);
    EXPECT_EQ(tx.exec("SELECT * FROM t"), 0);
    EXPECT_EQ(tx.exec("UPDATE t SET step = 2 WHERE id = 2"), 0);
    EXPECT_EQ(tx.exec("INSERT INTO t (id, step) VALUES (2, 0), (3, 0)"), 2);
    EXPECT_EQ(tx.exec("CREATE TABLE u (x INTEGER)"), 0);
    return true;
  });
}

TEST_P(StoreBackendTest, ConcurrentWritersAllCommit) {
  auto store = open();
  create_counter_table(*store);
  constexpr int kThreads = 8;
  constexpr int kWrites = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        store->run(TxMode::kWrite, [&](Tx& tx) {
          tx.exec("UPDATE t SET step = step + 1 WHERE id = 1");
          insert_user(tx, "u" + std::to_string(t) + "_" + std::to_string(i));
          return true;
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(count(*store, "users"), kThreads * kWrites);
  EXPECT_EQ(store->read([](Tx& tx) { return tx.query_one("SELECT step FROM t")->integer(0); }),
            kThreads * kWrites);
}

TEST_P(StoreBackendTest, WritersInTwoStoresOnOneDatabaseAllCommit) {
  // Two store objects stand in for two server processes sharing the database. On SQLite
  // only BEGIN IMMEDIATE and the busy timeout serialise them, not the in-process mutex; on
  // PostgreSQL writers run concurrently, and a read-modify-write locks the row it reads.
  auto first = open();
  auto second = open();
  create_counter_table(*first);
  const std::string select = std::string("SELECT step FROM t WHERE id = 1") +
                             (dialect() == Dialect::kPostgres ? " FOR UPDATE" : "");
  std::vector<std::thread> threads;
  for (Store* store : {first.get(), second.get(), first.get(), second.get()}) {
    threads.emplace_back([store, &select] {
      for (int i = 0; i < 25; ++i) {
        store->run(TxMode::kWrite, [&](Tx& tx) {
          const auto step = tx.query_one(select)->integer(0);
          tx.exec("UPDATE t SET step = ? WHERE id = 1", {step + 1});
          return true;
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(second->read([](Tx& tx) { return tx.query_one("SELECT step FROM t")->integer(0); }),
            100);
}

TEST_P(StoreBackendTest, ConditionalUpdateRaceHasExactlyOneWinner) {
  auto store = open();
  create_counter_table(*store);
  constexpr int kThreads = 12;
  std::latch start(kThreads);
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      store->run(TxMode::kWrite, [&](Tx& tx) {
        if (tx.exec("UPDATE t SET step = ? WHERE id = ? AND step < ?",
                    {std::int64_t{5}, std::int64_t{1}, std::int64_t{5}}) == 1) {
          ++winners;
        }
        return true;
      });
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST_P(StoreBackendTest, ConditionalUpdateRaceAcrossTwoStoresHasExactlyOneWinner) {
  // Two nodes on one database, the same one-time code answered on both at once.
  auto first = open();
  auto second = open();
  create_counter_table(*first);
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 == 0 ? first.get() : second.get();
    threads.emplace_back([&, store] {
      start.arrive_and_wait();
      store->run(TxMode::kWrite, [&](Tx& tx) {
        if (tx.exec("UPDATE t SET step = step + 1 WHERE id = 1 AND step = 0") == 1) ++winners;
        return true;
      });
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_EQ(first->read([](Tx& tx) { return tx.query_one("SELECT step FROM t")->integer(0); }), 1);
}

TEST_P(StoreBackendTest, ReadersAreNotBlockedByAnOpenWriter) {
  auto store = open();
  std::promise<void> writer_inside;
  std::promise<void> reader_done;
  std::thread writer([&] {
    store->run(TxMode::kWrite, [&](Tx& tx) {
      insert_user(tx, "pending");
      writer_inside.set_value();
      // Bounded, so a blocked reader fails the test instead of hanging it.
      EXPECT_EQ(reader_done.get_future().wait_for(std::chrono::seconds(20)),
                std::future_status::ready);
      return true;
    });
  });
  writer_inside.get_future().wait();
  EXPECT_EQ(count(*store, "users"), 0);  // the uncommitted row is invisible
  reader_done.set_value();
  writer.join();
  EXPECT_EQ(count(*store, "users"), 1);
}

TEST_P(StoreBackendTest, ExtraConnectionsWaitForTheCap) {
  const auto small = open_unmigrated(2);
  Store& store = *small;
  create_counter_table(store);
  std::vector<std::thread> threads;
  std::atomic<int> reads{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        store.read([&](Tx& tx) { return tx.query("SELECT step FROM t").size(); });
        ++reads;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(reads.load(), 120);
}

}  // namespace
}  // namespace twostep::store
