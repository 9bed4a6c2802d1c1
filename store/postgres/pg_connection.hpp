// One libpq connection. The pool hands a connection to one thread at a time, so it needs no
// locking of its own. Failures throw StoreError, or PgConnectionLost when the connection
// itself is gone (the server closed it, restarted, or cannot be reached).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace twostep::store {

/// The connection to the server failed; whatever the transaction did is lost.
struct PgConnectionLost : StoreError {
  using StoreError::StoreError;
};

class PgConnection {
 public:
  /// Connects to a libpq URL or keyword string; throws PgConnectionLost when the server
  /// cannot be reached or refuses the connection. The message never includes the URL.
  explicit PgConnection(const std::string& url);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  /// True when libpq still counts the connection as open and it is outside a transaction.
  /// A server that went away unnoticed shows up at the next BEGIN (PgStore retries then).
  bool reusable() const;
  /// Runs one statement with `?` placeholders; appends result rows to `rows` when given.
  /// Returns the number of rows it changed.
  std::int64_t run(std::string_view sql, Params params, std::vector<Row>* rows);
  /// Runs a script of several statements without parameters (migrations).
  void exec_script(std::string_view sql);
  /// Runs a statement without parameters (BEGIN, COMMIT) and returns its command tag.
  std::string command(const char* sql);
  /// Rolls back an open transaction, ignoring failures (the server drops an open
  /// transaction anyway when the connection breaks).
  void rollback_quietly();
  /// The server process serving this connection.
  int backend_pid() const { return PQbackendPID(conn_); }

 private:
  [[noreturn]] void fail(const PGresult* result, std::string_view context,
                         std::string_view sql) const;

  PGconn* conn_ = nullptr;
};

}  // namespace twostep::store
