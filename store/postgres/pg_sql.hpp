// Turns the store's portable SQL into PostgreSQL's: `?` placeholders become $1, $2, … in
// order, except inside string literals, quoted identifiers, dollar-quoted strings and
// comments, where a `?` is just a character.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace twostep::store {

/// SQL with numbered placeholders and how many there are.
struct PgSql {
  std::string text;
  std::size_t placeholders = 0;
};

/// Rewrites every `?` placeholder of `sql` to `$n`. Throws StoreError on an unterminated
/// literal, identifier or comment (the statement could not be split reliably).
PgSql rewrite_placeholders(std::string_view sql);

}  // namespace twostep::store
