// Rows of push_transactions and device_notices; see records.hpp.
#include "push/records.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/clock.hpp"

namespace twostep::push::detail {
namespace json = boost::json;

namespace {

constexpr std::string_view kPushColumns =
    "id, user_id, application_id, app_name, context, status, reason, device_id, remember, "
    "created_at, expires_at, answered_at, number";

// Stored JSON is written only by this module, but a hand-edited row must not crash reads:
// anything that is not an object reads as an empty one.
json::object parse_object(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.get_object());
}

std::string member(const json::object& obj, std::string_view key) {
  const json::value* v = obj.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string{};
}

std::string context_json(const PushContext& c) {
  return json::serialize(
      json::object{{"ip", c.ip}, {"location", c.location}, {"browser", c.browser}});
}

PushContext context_from(const std::string& text) {
  const json::object obj = parse_object(text);
  return PushContext{member(obj, "ip"), member(obj, "location"), member(obj, "browser")};
}

StoredPush push_from_row(const store::Row& row) {
  PushTransaction p;
  p.txid = row.text(0);
  p.user_id = row.text(1);
  p.requester = Requester{row.text(2), row.text(3)};
  p.context = context_from(row.text(4));
  p.status = parse_push_status(row.text(5)).value_or(PushStatus::kDenied);
  p.reason = row.opt_text(6).value_or("");
  p.device_id = row.opt_text(7).value_or("");
  p.remember = row.boolean(8);
  p.created_at = core::from_unix_seconds(row.integer(9));
  p.expires_at = core::from_unix_seconds(row.integer(10));
  if (auto answered = row.opt_integer(11)) p.answered_at = core::from_unix_seconds(*answered);
  return StoredPush{std::move(p), row.text(12)};
}

store::Value text_or_null(std::string_view s) {
  return s.empty() ? store::Value{nullptr} : store::Value{std::string(s)};
}

}  // namespace

std::optional<StoredPush> find_push(store::Tx& tx, std::string_view txid) {
  auto row = tx.query_one(
      std::string("SELECT ") + std::string(kPushColumns) + " FROM push_transactions WHERE id = ?",
      {std::string(txid)});
  if (!row) return std::nullopt;
  return push_from_row(*row);
}

void insert_push(store::Tx& tx, const PushTransaction& p, std::string_view number) {
  tx.exec(
      "INSERT INTO push_transactions (id, user_id, application_id, app_name, context, number, "
      "status, remember, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
      {p.txid, p.user_id, p.requester.id, p.requester.name, context_json(p.context),
       std::string(number), std::int64_t{p.remember ? 1 : 0}, core::unix_seconds(p.created_at),
       core::unix_seconds(p.expires_at)});
}

bool decide_push(store::Tx& tx, std::string_view txid, PushStatus status, std::string_view reason,
                 std::string_view device_id, std::int64_t now) {
  return tx.exec(
             "UPDATE push_transactions SET status = ?, reason = ?, device_id = ?, "
             "answered_at = ? WHERE id = ? AND status = 'pending'",
             {std::string(to_string(status)), text_or_null(reason), text_or_null(device_id), now,
              std::string(txid)}) > 0;
}

std::vector<PushTransaction> pending_of_user(store::Tx& tx, std::string_view user_id,
                                             std::int64_t now) {
  std::vector<PushTransaction> out;
  for (const store::Row& row :
       tx.query(std::string("SELECT ") + std::string(kPushColumns) +
                    " FROM push_transactions WHERE user_id = ? AND status = 'pending' AND "
                    "expires_at > ? ORDER BY created_at, id",
                {std::string(user_id), now})) {
    out.push_back(push_from_row(row).push);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> due_pushes(store::Tx& tx, std::int64_t now,
                                                            std::size_t limit) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const store::Row& row :
       tx.query("SELECT id, user_id FROM push_transactions WHERE status = 'pending' AND "
                "expires_at <= ? ORDER BY expires_at, id LIMIT ?",
                {now, static_cast<std::int64_t>(limit)})) {
    out.emplace_back(row.text(0), row.text(1));
  }
  return out;
}

PushLoad push_load(store::Tx& tx, std::string_view user_id, std::int64_t now) {
  PushLoad load;
  const std::string user(user_id);
  if (auto row = tx.query_one("SELECT COUNT(*), MIN(expires_at) FROM push_transactions WHERE "
                              "user_id = ? AND status = 'pending' AND expires_at > ?",
                              {user, now})) {
    load.outstanding = row->integer(0);
    load.first_expiry = row->opt_integer(1);
  }
  // Every push counts toward the per-minute cap whatever became of it: the cap is about
  // how often the phone buzzes.
  if (auto row = tx.query_one("SELECT COUNT(*), MIN(created_at) FROM push_transactions WHERE "
                              "user_id = ? AND created_at > ?",
                              {user, now - 60})) {
    load.last_minute = row->integer(0);
    load.first_in_minute = row->opt_integer(1);
  }
  return load;
}

void insert_notice(store::Tx& tx, const Notice& n) {
  tx.exec(
      "INSERT INTO device_notices (event_id, user_id, device_id, event, detail, "
      "subject_device_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {n.event_id, n.user_id, n.device_id, std::string(to_string(n.event)),
       json::serialize(n.detail), text_or_null(n.subject_device_id),
       core::unix_seconds(n.created_at)});
}

Notice notice_from_row(const store::Row& row) {
  Notice n;
  n.event_id = row.text(0);
  n.user_id = row.text(1);
  n.device_id = row.text(2);
  n.event = parse_notice_event(row.text(3)).value_or(NoticeEvent::kDeviceAdded);
  n.detail = parse_object(row.text(4));
  n.subject_device_id = row.opt_text(5).value_or("");
  n.created_at = core::from_unix_seconds(row.integer(6));
  return n;
}

}  // namespace twostep::push::detail
