#include "store/postgres/pg_sql.hpp"

#include <gtest/gtest.h>

#include "store/store.hpp"

namespace twostep::store {
namespace {

std::string rewrite(std::string_view sql) { return rewrite_placeholders(sql).text; }

TEST(PgPlaceholders, NumbersEachPlaceholderInOrder) {
  const PgSql out = rewrite_placeholders("UPDATE t SET a = ?, b = ? WHERE id = ? AND c IN (?,?)");
  EXPECT_EQ(out.text, "UPDATE t SET a = $1, b = $2 WHERE id = $3 AND c IN ($4,$5)");
  EXPECT_EQ(out.placeholders, 5u);
  EXPECT_EQ(rewrite_placeholders("SELECT 1").placeholders, 0u);
  EXPECT_EQ(rewrite("?"), "$1");
}

TEST(PgPlaceholders, LeavesQuotedTextAlone) {
  EXPECT_EQ(rewrite("SELECT '?', ? FROM t WHERE s = 'it''s ?' AND x = ?"),
            "SELECT '?', $1 FROM t WHERE s = 'it''s ?' AND x = $2");
  EXPECT_EQ(rewrite(R"(SELECT "col?""x", ? FROM "t?")"), R"(SELECT "col?""x", $1 FROM "t?")");
  // E'' strings take backslash escapes; plain strings do not (standard_conforming_strings).
  EXPECT_EQ(rewrite(R"(SELECT E'\'?', ?)"), R"(SELECT E'\'?', $1)");
  EXPECT_EQ(rewrite(R"(SELECT '\', ?)"), R"(SELECT '\', $1)");
  // A column named …e followed by a string is not an E'' string.
  EXPECT_EQ(rewrite(R"(SELECT some'\', ?)"), R"(SELECT some'\', $1)");
}

TEST(PgPlaceholders, LeavesCommentsAndDollarQuotesAlone) {
  EXPECT_EQ(rewrite("SELECT ? -- why?\n, ?"), "SELECT $1 -- why?\n, $2");
  EXPECT_EQ(rewrite("SELECT ? -- trailing?"), "SELECT $1 -- trailing?");
  EXPECT_EQ(rewrite("SELECT /* ? /* nested ? */ ? */ ?"), "SELECT /* ? /* nested ? */ ? */ $1");
  EXPECT_EQ(rewrite("SELECT $$?$$, $tag$ $$ ? $tag$, ?"), "SELECT $$?$$, $tag$ $$ ? $tag$, $1");
  // `$` inside an identifier or as a numbered parameter opens no quote.
  EXPECT_EQ(rewrite("SELECT a$b, ? FROM t$"), "SELECT a$b, $1 FROM t$");
  EXPECT_EQ(rewrite("SELECT 5 - ?, 8/?"), "SELECT 5 - $1, 8/$2");
}

TEST(PgPlaceholders, RefusesUnterminatedQuotes) {
  for (const char* sql : {"SELECT '?", "SELECT \"x", "SELECT /* ?", "SELECT $a$ ?", "E'\\'"}) {
    EXPECT_THROW(rewrite_placeholders(sql), StoreError) << sql;
  }
}

}  // namespace
}  // namespace twostep::store
