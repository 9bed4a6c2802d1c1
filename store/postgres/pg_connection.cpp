// Connection set-up, statement execution and failure classification for PostgreSQL.
#include "store/postgres/pg_connection.hpp"

#include <memory>

#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_values.hpp"

namespace twostep::store {
namespace {

constexpr std::size_t kSqlInErrors = 160;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// Notices (e.g. "relation already exists, skipping") are not errors; libpq would print
// them on stderr.
void ignore_notice(void*, const char*) {}

std::string sql_excerpt(std::string_view sql) {
  // The SQL text holds only placeholders, never values, so it is safe to show.
  return " [SQL: " + std::string(sql.substr(0, kSqlInErrors)) +
         (sql.size() > kSqlInErrors ? "…" : "") + "]";
}

// SQLSTATE class 08 is "connection exception"; 57P01–57P03 are the server shutting down
// or restarting (admin shutdown, crash shutdown, cannot connect now).
bool is_connection_state(const std::string& state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

}  // namespace

PgConnection::PgConnection(const std::string& url) {
  // Keywords before `dbname` are defaults: the URL, expanded in its place, overrides them.
  const char* const keys[] = {"connect_timeout", "fallback_application_name", "client_encoding",
                              "dbname", nullptr};
  const char* const values[] = {"10", "twostep", "UTF8", url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (conn_ == nullptr) throw StoreError("out of memory opening a PostgreSQL connection");
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = describe_failure(nullptr, conn_);
    PQfinish(conn_);
    throw PgConnectionLost("cannot connect to PostgreSQL: " + message);
  }
  PQsetNoticeProcessor(conn_, &ignore_notice, nullptr);
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::reusable() const {
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

void PgConnection::fail(const PGresult* result, std::string_view context,
                        std::string_view sql) const {
  std::string message = std::string(context) + ": " + describe_failure(result, conn_);
  if (!sql.empty()) message += sql_excerpt(sql);
  if (PQstatus(conn_) != CONNECTION_OK || is_connection_state(sqlstate(result))) {
    throw PgConnectionLost(message);
  }
  throw StoreError(message);
}

std::int64_t PgConnection::run(std::string_view sql, Params params, std::vector<Row>* rows) {
  const PgSql pg = rewrite_placeholders(sql);
  if (pg.placeholders != params.size()) {
    throw StoreError("the statement has " + std::to_string(pg.placeholders) + " placeholders but " +
                     std::to_string(params.size()) + " parameters were given" + sql_excerpt(sql));
  }
  const PgParams p(params);
  const ResultPtr result(PQexecParams(conn_, pg.text.c_str(), p.count(), p.types(), p.values(),
                                      p.lengths(), p.formats(), 0));
  switch (PQresultStatus(result.get())) {
    case PGRES_TUPLES_OK:
      if (rows != nullptr) read_rows(result.get(), *rows);
      return changed_rows(result.get());
    case PGRES_COMMAND_OK:
      return changed_rows(result.get());
    case PGRES_EMPTY_QUERY:
      throw StoreError("empty SQL statement");
    default:
      fail(result.get(), "PostgreSQL statement failed", sql);
  }
}

void PgConnection::exec_script(std::string_view sql) {
  const std::string script(sql);  // PQexec needs a terminating NUL
  const ResultPtr result(PQexec(conn_, script.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    fail(result.get(), "PostgreSQL script failed", {});
  }
}

std::string PgConnection::command(const char* sql) {
  const ResultPtr result(PQexec(conn_, sql));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    fail(result.get(), std::string("PostgreSQL ") + sql + " failed", {});
  }
  return PQcmdStatus(result.get());
}

void PgConnection::rollback_quietly() {
  if (PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PQclear(PQexec(conn_, "ROLLBACK"));
  }
}

}  // namespace twostep::store
