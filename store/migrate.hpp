// Schema migrations: the numbered scripts in store/migrations/<dialect>/ (embedded into the
// library at build time) and the routine that brings a database up to date with them.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace twostep::store {

/// One embedded script, from store/migrations/<dialect>/NNNN_name.sql.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

/// The scripts of `dialect`, sorted by version (generated from the .sql files).
std::span<const Migration> embedded_migrations(Dialect dialect);

/// Runs a multi-statement script inside `tx`; each backend supplies its own.
using ScriptRunner = std::function<void(Tx& tx, std::string_view sql)>;

/// Applies every script of `migrations` not yet recorded in schema_migrations, in order,
/// each in its own write transaction together with its schema_migrations row. Throws
/// StoreError when the database carries a version this binary does not know (it was
/// written by a newer release; running older code on it could corrupt it).
void migrate(Store& store, std::span<const Migration> migrations, const ScriptRunner& run_script,
             const core::Clock& clock);

}  // namespace twostep::store
