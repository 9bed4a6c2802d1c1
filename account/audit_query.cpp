#include "account/audit_query.hpp"

#include <charconv>
#include <limits>

#include <boost/json/parse.hpp>

#include "account/users.hpp"

namespace twostep::account {

namespace {

core::Result<void> check_type(std::string_view type) {
  std::string_view body = type.ends_with('*') ? type.substr(0, type.size() - 1) : type;
  bool ok = type.size() <= 65 && (type.ends_with('*') || !body.empty());
  for (char c : body) {
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return core::fail_invalid("type",
                              "type must be an event type such as \"user.created\", or a "
                              "prefix ending in '*' such as \"user.*\"");
  }
  return {};
}

core::Result<std::int64_t> cursor_id(std::string_view cursor) {
  auto key = decode_cursor(cursor);
  if (!key) return std::unexpected(key.error());
  if (key->empty()) return std::numeric_limits<std::int64_t>::max();
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(key->data(), key->data() + key->size(), id);
  if (ec != std::errc() || ptr != key->data() + key->size()) {
    return core::fail(core::ErrorKind::kInvalidInput, "invalid_cursor",
                      "cursor is not one returned by this list", "cursor");
  }
  return id;
}

boost::json::object parse_detail(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return {{"unparsed", text}};
  return std::move(v.get_object());
}

AuditEntry entry_from_row(const store::Row& row) {
  return {row.integer(0),
          core::from_unix_seconds(row.integer(1)),
          row.text(2),
          row.opt_text(3).value_or(""),
          row.opt_text(4).value_or(""),
          row.opt_text(5).value_or(""),
          row.text(6),
          row.opt_text(7).value_or(""),
          row.text(8),
          row.opt_text(9).value_or(""),
          parse_detail(row.text(10))};
}

}  // namespace

core::Result<Page<AuditEntry>> query_audit(store::Tx& tx, const AuditFilter& filter) {
  if (!filter.type.empty()) {
    if (auto ok = check_type(filter.type); !ok) return std::unexpected(ok.error());
  }
  auto limit = check_limit(filter.limit, kAuditListMax);
  if (!limit) return std::unexpected(limit.error());
  auto before = cursor_id(filter.cursor);
  if (!before) return std::unexpected(before.error());

  // Tx::query takes a fixed parameter list, so every optional filter takes one parameter:
  // its condition when set, or a constant-true "? = ''" that leaves index choice alone.
  std::string user_id;
  if (!filter.user.empty()) {
    auto user = find_user(tx, filter.user);
    user_id = user ? user->id : filter.user;
  }
  bool prefix = filter.type.ends_with('*');
  std::string exact = prefix ? "" : filter.type;
  std::string like = prefix ? escape_like(filter.type.substr(0, filter.type.size() - 1)) + "%" : "";
  std::string sql =
      "SELECT a.id, a.time, a.type, a.user_id, u.username, a.device_id, a.actor, a.ip, "
      "a.result, a.correlation_id, a.detail FROM audit_log a "
      "LEFT JOIN users u ON u.id = a.user_id WHERE a.id < ?";
  sql += user_id.empty() ? " AND ? = ''" : " AND a.user_id = ?";
  sql += exact.empty() ? " AND ? = ''" : " AND a.type = ?";
  sql += like.empty() ? " AND ? = ''" : " AND a.type LIKE ? ESCAPE '\\'";
  sql += filter.since ? " AND a.time >= ?" : " AND ? = 0";
  sql += " ORDER BY a.id DESC LIMIT ?";
  std::int64_t since = filter.since ? core::unix_seconds(*filter.since) : 0;
  auto rows = tx.query(sql, {*before, user_id, exact, like, since, std::int64_t{*limit} + 1});

  Page<AuditEntry> page;
  for (const auto& row : rows) {
    if (page.items.size() == static_cast<std::size_t>(*limit)) {
      page.next_cursor = encode_cursor(std::to_string(page.items.back().id));
      break;
    }
    page.items.push_back(entry_from_row(row));
  }
  return page;
}

}  // namespace twostep::account
