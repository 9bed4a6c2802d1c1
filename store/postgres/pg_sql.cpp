// A small lexer for PostgreSQL's quoting rules, enough to tell a placeholder from a `?`
// inside quoted text.
#include "store/postgres/pg_sql.hpp"

#include "store/store.hpp"

namespace twostep::store {
namespace {

bool is_identifier_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '_' ||
         c == '$' || u >= 0x80;
}

[[noreturn]] void unterminated(std::string_view what) {
  throw StoreError("unterminated " + std::string(what) + " in SQL");
}

// The end of a quoted run that starts at `begin` (on the opening quote) and closes at the
// next unescaped `quote`; a doubled quote stands for itself, and with `backslashes` a
// backslash escapes the next character (E'…' strings).
std::size_t skip_quoted(std::string_view sql, std::size_t begin, char quote, bool backslashes,
                        std::string_view what) {
  for (std::size_t i = begin + 1; i < sql.size(); ++i) {
    if (backslashes && sql[i] == '\\') {
      ++i;
    } else if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  unterminated(what);
}

// Block comments nest in PostgreSQL.
std::size_t skip_block_comment(std::string_view sql, std::size_t begin) {
  int depth = 0;
  for (std::size_t i = begin; i + 1 < sql.size(); ++i) {
    if (sql[i] == '/' && sql[i + 1] == '*') {
      ++depth;
      ++i;
    } else if (sql[i] == '*' && sql[i + 1] == '/') {
      ++i;
      if (--depth == 0) return i + 1;
    }
  }
  unterminated("comment");
}

// A dollar-quoted string $tag$…$tag$ starting at `begin`, or `begin` itself when the `$`
// opens none (a `$` inside an identifier, or a $1 parameter).
std::size_t skip_dollar_quoted(std::string_view sql, std::size_t begin) {
  if (begin > 0 && is_identifier_char(sql[begin - 1])) return begin;
  std::size_t j = begin + 1;
  if (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') return begin;
  while (j < sql.size() && sql[j] != '$' && is_identifier_char(sql[j])) ++j;
  if (j >= sql.size() || sql[j] != '$') return begin;
  const std::string_view tag = sql.substr(begin, j - begin + 1);
  const std::size_t close = sql.find(tag, j + 1);
  if (close == std::string_view::npos) unterminated("dollar-quoted string");
  return close + tag.size();
}

// The end of the token at `i` when it is quoted text or a comment, else i + 1.
std::size_t skip_token(std::string_view sql, std::size_t i) {
  const char c = sql[i];
  const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
  switch (c) {
    case '\'': {
      // E'…' (not the end of an identifier such as `type'…`) takes backslash escapes.
      const bool escape = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                          (i < 2 || !is_identifier_char(sql[i - 2]));
      return skip_quoted(sql, i, '\'', escape, "string literal");
    }
    case '"':
      return skip_quoted(sql, i, '"', false, "quoted identifier");
    case '-':
      if (next == '-') {
        const std::size_t eol = sql.find('\n', i);
        return eol == std::string_view::npos ? sql.size() : eol + 1;
      }
      return i + 1;
    case '/':
      return next == '*' ? skip_block_comment(sql, i) : i + 1;
    case '$': {
      const std::size_t end = skip_dollar_quoted(sql, i);
      return end == i ? i + 1 : end;
    }
    default:
      return i + 1;
  }
}

}  // namespace

PgSql rewrite_placeholders(std::string_view sql) {
  PgSql out;
  out.text.reserve(sql.size() + 16);
  std::size_t i = 0;
  while (i < sql.size()) {
    if (sql[i] == '?') {
      out.text += '$';
      out.text += std::to_string(++out.placeholders);
      ++i;
      continue;
    }
    const std::size_t end = skip_token(sql, i);
    out.text.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace twostep::store
