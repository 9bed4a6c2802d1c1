// Conversions between the store's Values and libpq: parameters out (int64 as binary int8,
// text, binary bytea, NULL), result columns in (by column type), and error messages that
// never carry a parameter value.
#pragma once

#include <libpq-fe.h>

#include <array>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace twostep::store {

/// The parallel arrays PQexecParams takes, pointing into `params` (which must outlive it).
class PgParams {
 public:
  explicit PgParams(Params params);
  PgParams(const PgParams&) = delete;
  PgParams& operator=(const PgParams&) = delete;

  int count() const { return static_cast<int>(types_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<Oid> types_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::array<char, 8>> integers_;  // big-endian int8s, sized up front
};

/// Appends the rows of a PGRES_TUPLES_OK result (text format) to `rows`. Throws StoreError
/// for a floating-point or fractional NUMERIC column (CAST it to BIGINT or TEXT).
void read_rows(const PGresult* result, std::vector<Row>& rows);

/// The number of rows an INSERT, UPDATE, DELETE or MERGE changed; 0 for anything else.
std::int64_t changed_rows(const PGresult* result);

/// A one-line description of a failure: the server's primary message and SQLSTATE, or
/// libpq's own message. Never the DETAIL (it quotes row values), and for data exceptions
/// (SQLSTATE class 22) only the part before the offending input.
std::string describe_failure(const PGresult* result, const PGconn* conn);

/// The SQLSTATE of a failed result, or "" when the failure happened in libpq.
std::string sqlstate(const PGresult* result);

}  // namespace twostep::store
