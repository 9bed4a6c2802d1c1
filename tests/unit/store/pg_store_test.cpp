// PostgreSQL-only behaviour: type mapping, aborted transactions, and recovery from
// connections the server drops. Skipped unless TWOSTEP_TEST_PG_URL names a server.
#include "store/postgres/pg_store.hpp"

#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <latch>
#include <thread>

#include "core/error.hpp"
#include "tests/unit/store/store_test_support.hpp"

namespace twostep::store {
namespace {

class PgStoreTest : public StoreTestBase {
 protected:
  Backend backend() const override { return Backend::kPostgres; }
};

std::int64_t backend_pid(Tx& tx) { return tx.query_one("SELECT pg_backend_pid()")->integer(0); }

std::int64_t backend_pid(Store& store) {
  return store.read([](Tx& tx) { return backend_pid(tx); });
}

// Ends a session from the server side, as an administrator or a restart would, and waits
// until its process is gone.
void terminate(PgStore& admin, std::int64_t pid) {
  admin.run(TxMode::kWrite, [&](Tx& tx) {
    EXPECT_TRUE(
        tx.query_one("SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)", {pid})->boolean(0));
    return true;
  });
}

std::int64_t step(Store& store) {
  return store.read([](Tx& tx) { return tx.query_one("SELECT step FROM t")->integer(0); });
}

core::Result<int> insert_user(Tx& tx, const std::string& id) {
  tx.exec(
      "INSERT INTO users (id, username, username_key, display_name, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, 0, 0)",
      {id, id, id, id});
  return 1;
}

// A PostgreSQL server of the test's own (scripts/pg), so that restarting it disturbs no
// other test.
class OwnServer {
 public:
  OwnServer() { url_ = pg("start"); }
  OwnServer(const OwnServer&) = delete;
  OwnServer& operator=(const OwnServer&) = delete;
  ~OwnServer() { pg("stop"); }
  const std::string& url() const { return url_; }
  void stop() { pg("stop"); }
  void start() { EXPECT_EQ(pg("start"), url_); }

 private:
  std::string pg(const std::string& command) {
    const std::string line =
        std::string(TWOSTEP_SCRIPTS_DIR) + "/pg " + command + " " + dir_.path().string();
    FILE* pipe = ::popen(line.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("cannot run " + line);
    std::string out;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    const int status = ::pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error(line + " failed: " + out);
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  twostep::testing::TempDir dir_;
  std::string url_;
};

TEST_F(PgStoreTest, MapsColumnsByType) {
  auto store = open();
  const auto row = store->read([](Tx& tx) {
    return *tx.query_one(
        "SELECT TRUE, FALSE, CAST(7 AS SMALLINT), 8, CAST(9 AS BIGINT), CAST('v' AS VARCHAR(3)), "
        "CAST(NULL AS BIGINT), decode('00ff', 'hex'), CAST(12345678901 AS NUMERIC), "
        "SUM(CAST(x AS BIGINT)), '?', ?, ?, ?, ? FROM (VALUES (1), (2)) AS v (x)",
        {INT64_MIN, std::string("é"), Blob{}, nullptr});
  });
  EXPECT_EQ(row.integer(0), 1);
  EXPECT_EQ(row.integer(1), 0);
  EXPECT_EQ(row.integer(2), 7);
  EXPECT_EQ(row.integer(3), 8);
  EXPECT_EQ(row.integer(4), 9);
  EXPECT_EQ(row.text(5), "v");
  EXPECT_TRUE(row.is_null(6));
  EXPECT_EQ(row.blob(7), (Blob{0, 255}));
  EXPECT_EQ(row.integer(8), 12345678901);
  EXPECT_EQ(row.integer(9), 3);  // SUM of BIGINT is NUMERIC in PostgreSQL
  EXPECT_EQ(row.text(10), "?");  // a `?` in a literal is no placeholder
  EXPECT_EQ(row.integer(11), INT64_MIN);
  EXPECT_EQ(row.text(12), "é");
  EXPECT_TRUE(row.blob(13).empty());
  EXPECT_TRUE(row.is_null(14));
  for (const char* sql :
       {"SELECT CAST(1.5 AS DOUBLE PRECISION)", "SELECT 2.5", "SELECT CAST(1 AS REAL)"}) {
    EXPECT_THROW(store->read([&](Tx& tx) { return tx.query(sql); }), StoreError) << sql;
  }
}

TEST_F(PgStoreTest, ReturningGivesRowsAndExecCountsChanges) {
  auto store = open();
  store->run(TxMode::kWrite, [](Tx& tx) {
    tx.exec("CREATE TABLE r (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)");
    const auto ids = tx.query("INSERT INTO r (name) VALUES (?), (?) RETURNING id", {"a", "b"});
    EXPECT_EQ(ids.size(), 2u);
    EXPECT_EQ(tx.exec("UPDATE r SET name = ? WHERE id > 0", {"c"}), 2);
    const auto gone = tx.query("DELETE FROM r WHERE id = ? RETURNING name", {ids.at(0).integer(0)});
    EXPECT_EQ(gone.size(), 1u);
    EXPECT_EQ(gone.at(0).text(0), "c");
    EXPECT_EQ(tx.exec("SELECT id FROM r"), 0);
    return true;
  });
  EXPECT_EQ(count(*store, "r"), 1);
}

TEST_F(PgStoreTest, AFailedStatementAbortsTheWholeTransaction) {
  auto store = open();
  create_counter_table(*store);
  EXPECT_THROW(store->run(TxMode::kWrite,
                          [](Tx& tx) {
                            tx.exec("UPDATE t SET step = 7 WHERE id = 1");
                            EXPECT_THROW(tx.exec("INSERT INTO nowhere VALUES (1)"), StoreError);
                            EXPECT_THROW(tx.query("SELECT 1"), StoreError);
                            return true;  // too late: PostgreSQL rolls back at COMMIT
                          }),
               StoreError);
  EXPECT_EQ(step(*store), 0);
  store->run(TxMode::kWrite, [](Tx& tx) { return tx.exec("UPDATE t SET step = 1") == 1; });
  EXPECT_EQ(step(*store), 1);
}

TEST_F(PgStoreTest, RefusesTextItCannotStoreWithoutRevealingIt) {
  auto store = open();
  // A NUL byte is refused rather than cutting the string short.
  EXPECT_THROW(store->write([](Tx& tx) { return insert_user(tx, std::string("nul\0x", 5)); }),
               StoreError);
  try {
    store->read([](Tx& tx) { return tx.query("SELECT CAST(? AS BIGINT)", {"s3cret-42"}); });
    FAIL() << "a string cast to BIGINT";
  } catch (const StoreError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("22P02"), std::string::npos) << message;
    EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  }
  EXPECT_EQ(count(*store, "users"), 0);
}

TEST_F(PgStoreTest, ReplacesAConnectionTheServerTerminated) {
  PgStore store(url(), 2);
  create_counter_table(store);
  const std::int64_t pid = backend_pid(store);
  terminate(schema_->admin(), pid);
  store.run(TxMode::kWrite, [](Tx& tx) { return tx.exec("UPDATE t SET step = 1") == 1; });
  EXPECT_EQ(step(store), 1);
  EXPECT_NE(backend_pid(store), pid);
  EXPECT_EQ(store.open_connections(), 1u);
}

TEST_F(PgStoreTest, AConnectionLostMidTransactionIsNotRetried) {
  PgStore store(url(), 2);
  create_counter_table(store);
  int calls = 0;
  EXPECT_THROW(store.run(TxMode::kWrite,
                         [&](Tx& tx) {
                           ++calls;
                           tx.exec("UPDATE t SET step = 1");
                           terminate(schema_->admin(), backend_pid(tx));
                           tx.exec("UPDATE t SET step = 2");
                           return true;
                         }),
               StoreError);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(step(store), 0);
}

TEST_F(PgStoreTest, AConnectionLostAtCommitIsAnErrorNotARetry) {
  PgStore store(url(), 2);
  create_counter_table(store);
  int calls = 0;
  try {
    store.run(TxMode::kWrite, [&](Tx& tx) {
      ++calls;
      tx.exec("UPDATE t SET step = 1");
      terminate(schema_->admin(), backend_pid(tx));
      return true;
    });
    FAIL() << "a commit on a dead connection succeeded";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("COMMIT"), std::string::npos) << e.what();
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(step(store), 0);  // the server rolled back the session it ended
}

TEST_F(PgStoreTest, NeverOpensMoreConnectionsThanTheCap) {
  PgStore store(url(), 2);
  std::atomic<std::size_t> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        store.read([&](Tx& tx) {
          const std::size_t now = store.open_connections();
          std::size_t seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          return tx.query("SELECT 1").size();
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GE(most.load(), 1u);
  EXPECT_LE(most.load(), 2u);
}

TEST_F(PgStoreTest, RecoversAfterAServerRestart) {
  OwnServer server;
  auto store = open_store(server.url());
  store->write([](Tx& tx) { return insert_user(tx, "before"); });
  // Three pooled connections, all of which the restart cuts off.
  std::latch inside(3);
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      store->read([&](Tx& tx) {
        inside.arrive_and_wait();
        return tx.query("SELECT 1").size();
      });
    });
  }
  for (auto& th : readers) th.join();

  // A restart between two transactions goes unnoticed: the first BEGIN on a cut-off
  // connection fails, and the transaction starts over on a new one.
  server.stop();
  server.start();
  store->write([](Tx& tx) { return insert_user(tx, "after"); });

  // While the server is down, transactions fail (they do not hang); then work resumes.
  server.stop();
  EXPECT_THROW(store->write([](Tx& tx) { return insert_user(tx, "during"); }), StoreError);
  EXPECT_THROW(store->read([](Tx& tx) { return tx.query("SELECT 1"); }), StoreError);
  server.start();
  store->write([](Tx& tx) { return insert_user(tx, "later"); });

  const auto names =
      store->read([](Tx& tx) { return tx.query("SELECT username FROM users ORDER BY username"); });
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0].text(0), "after");
  EXPECT_EQ(names[1].text(0), "before");
  EXPECT_EQ(names[2].text(0), "later");
}

}  // namespace
}  // namespace twostep::store
