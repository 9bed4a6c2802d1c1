#include "account/user_list.hpp"

#include <cctype>

#include "account/text.hpp"

namespace twostep::account {

namespace {

core::Result<void> check_q(std::string_view q) {
  if (q.size() > 512 || !is_valid_utf8(q) || utf8_length(q) > 128) {
    return core::fail_invalid("q", "q must be at most 128 characters of UTF-8 text");
  }
  return {};
}

}  // namespace

core::Result<Page<User>> list_users(store::Tx& tx, const UserQuery& query) {
  if (auto ok = check_q(query.q); !ok) return std::unexpected(ok.error());
  auto limit = check_limit(query.limit, kUserListMax);
  if (!limit) return std::unexpected(limit.error());
  auto after = decode_cursor(query.cursor);
  if (!after) return std::unexpected(after.error());

  std::string sql = "SELECT " + std::string(kUserColumns) + " FROM users WHERE username_key > ? ";
  std::string pattern = "%" + escape_like(lower_ascii(query.q)) + "%";
  if (!query.q.empty()) {
    sql += "AND (username_key LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\') ";
  }
  sql += "ORDER BY username_key LIMIT ?";
  std::int64_t fetch = std::int64_t{*limit} + 1;  // one more tells whether a next page exists
  auto rows = query.q.empty() ? tx.query(sql, {*after, fetch})
                              : tx.query(sql, {*after, pattern, pattern, fetch});
  Page<User> page;
  for (const auto& row : rows) {
    if (page.items.size() == static_cast<std::size_t>(*limit)) {
      page.next_cursor = encode_cursor(lower_ascii(page.items.back().username));
      break;
    }
    page.items.push_back(user_from_row(row));
  }
  return page;
}

}  // namespace twostep::account
