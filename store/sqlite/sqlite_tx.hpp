// The Tx of SqliteStore: statements on one connection of the store, read-only or not.
// Shared by the pooled read path and the group-commit writer.
#pragma once

#include "store/sqlite/sqlite_connection.hpp"
#include "store/store.hpp"

namespace twostep::store {

class SqliteTx final : public Tx {
 public:
  SqliteTx(SqliteConnection& conn, bool read_only) : conn_(conn), read_only_(read_only) {}
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::vector<Row> query(std::string_view sql, Params params) override {
    std::vector<Row> rows;
    conn_.run(sql, params, read_only_, &rows);
    return rows;
  }
  std::int64_t exec(std::string_view sql, Params params) override {
    return conn_.run(sql, params, read_only_, nullptr);
  }
  /// A multi-statement script (a migration); refused in a read transaction.
  void exec_script(std::string_view sql) {
    if (read_only_) throw StoreError("a script in a read transaction");
    conn_.exec_script(sql);
  }

 private:
  SqliteConnection& conn_;
  bool read_only_;
};

}  // namespace twostep::store
