// A fresh SQLite database file per test, opened through open_store() like the server does.
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::store {

class StoreTest : public ::testing::Test {
 protected:
  std::string url() const { return "sqlite:" + (dir_ / "twostep.db").string(); }
  std::unique_ptr<Store> open() { return open_store(url()); }
  // A scratch table for tests that need one of their own.
  void create_counter_table(Store& store) {
    store.run(TxMode::kWrite, [](Tx& tx) {
      tx.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, step INTEGER NOT NULL)");
      tx.exec("INSERT INTO t (id, step) VALUES (1, 0)");
      return true;
    });
  }
  std::int64_t count(Store& store, const std::string& table) {
    return store.read(
        [&](Tx& tx) { return tx.query_one("SELECT COUNT(*) FROM " + table)->integer(0); });
  }

  twostep::testing::TempDir dir_;
};

}  // namespace twostep::store
