// The writer's gathering: after a batch of several writes it waits (up to its delay) for as
// many before it begins; a caller writing on its own never waits. The delays here are long
// (seconds) so that what the tests tell apart is waiting or not, never how long a write took.
#include "store/sqlite/sqlite_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::store {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class SqliteWriterGather : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteWriter> start_writer(std::chrono::microseconds gather) {
    auto conn = std::make_unique<SqliteConnection>(path_);
    conn->exec_script("CREATE TABLE IF NOT EXISTS t (v INTEGER)");
    return std::make_unique<SqliteWriter>(&owner_, std::move(conn), gather);
  }

  // Queues one insert; the future is ready once its batch committed.
  static std::future<std::exception_ptr> insert(SqliteWriter& writer) {
    auto done = std::make_shared<std::promise<std::exception_ptr>>();
    auto future = done->get_future();
    writer.submit(
        [](Tx& tx) {
          tx.exec("INSERT INTO t (v) VALUES (1)");
          return true;
        },
        [done](std::exception_ptr error) { done->set_value(error); });
    return future;
  }

  // Runs a batch of `n` writes (queued while the writer is held by one that waits), so that
  // the next batch gathers for `n`.
  static void run_batch_of(SqliteWriter& writer, int n) {
    std::promise<void> release;
    std::promise<void> entered;
    writer.submit(
        [gate = release.get_future().share(), &entered](Tx&) {
          entered.set_value();
          gate.wait();
          return true;
        },
        [](std::exception_ptr) {});
    entered.get_future().wait();
    std::vector<std::future<std::exception_ptr>> writes;
    for (int i = 0; i < n; ++i) writes.push_back(insert(writer));
    release.set_value();
    for (auto& w : writes) ASSERT_EQ(w.get(), nullptr);
  }

  twostep::testing::TempDir dir_;
  std::string path_ = (dir_ / "db.sqlite").string();
  // The store the writer's thread is marked as working for (its own writer is not used).
  SqliteStore owner_{dir_ / "owner.sqlite"};
};

TEST_F(SqliteWriterGather, ACallerWritingOnItsOwnNeverWaits) {
  auto writer = start_writer(std::chrono::seconds(3));
  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(insert(*writer).get(), nullptr);
  EXPECT_LT(Clock::now() - start, 2s) << "each write alone would have waited 3 s";
  EXPECT_EQ(writer->batches(), 5u);
}

TEST_F(SqliteWriterGather, AfterABatchOfSeveralTheNextWaitsForAsMany) {
  auto writer = start_writer(std::chrono::seconds(20));
  run_batch_of(*writer, 3);
  const std::size_t before = writer->batches();
  auto first = insert(*writer);
  EXPECT_EQ(first.wait_for(200ms), std::future_status::timeout) << "it should wait for two more";
  auto second = insert(*writer);
  auto third = insert(*writer);
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready) << "three are queued: no more waiting";
  EXPECT_EQ(first.get(), nullptr);
  EXPECT_EQ(second.get(), nullptr);
  EXPECT_EQ(third.get(), nullptr);
  EXPECT_EQ(writer->batches(), before + 1) << "the three share one batch";
}

TEST_F(SqliteWriterGather, AWriteThatFindsNoCompanyRunsAfterTheDelay) {
  auto writer = start_writer(std::chrono::seconds(1));
  run_batch_of(*writer, 2);
  const auto start = Clock::now();
  auto lone = insert(*writer);
  ASSERT_EQ(lone.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(lone.get(), nullptr);
  EXPECT_GE(Clock::now() - start, 1s);
  // Its batch of one ends the gathering: the next write does not wait.
  const auto next_start = Clock::now();
  ASSERT_EQ(insert(*writer).get(), nullptr);
  EXPECT_LT(Clock::now() - next_start, 900ms);
}

TEST_F(SqliteWriterGather, StoppingEndsTheWaitAndRunsWhatIsQueued) {
  auto writer = start_writer(std::chrono::seconds(20));
  run_batch_of(*writer, 3);
  auto queued = insert(*writer);
  const auto start = Clock::now();
  writer.reset();
  EXPECT_LT(Clock::now() - start, 10s);
  ASSERT_EQ(queued.wait_for(0s), std::future_status::ready);
  EXPECT_EQ(queued.get(), nullptr);
}

}  // namespace
}  // namespace twostep::store
