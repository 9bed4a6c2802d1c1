// Rows of phone_verifications and phone_transactions, and change audit rows; see records.hpp.
#include "phone/records.hpp"

#include "phone/numbers.hpp"

namespace twostep::phone::detail {
namespace {

PhoneType type_of(const std::string& text) {
  return parse_phone_type(text).value_or(PhoneType::kMobile);
}
Channel channel_of(const std::string& text) { return parse_channel(text).value_or(Channel::kSms); }

}  // namespace

std::optional<VerificationRow> find_verification(store::Tx& tx, std::string_view id,
                                                 std::string_view user_id) {
  auto row = tx.query_one(
      "SELECT id, user_id, type, e164, extension, channel, code_hash, status, attempts, "
      "expires_at FROM phone_verifications WHERE id = ? AND user_id = ?",
      {std::string(id), std::string(user_id)});
  if (!row) return std::nullopt;
  return VerificationRow{row->text(0),   row->text(1), type_of(row->text(2)),
                         row->text(3),   row->text(4), channel_of(row->text(5)),
                         row->text(6),   row->text(7), row->integer(8),
                         row->integer(9)};
}

void insert_verification(store::Tx& tx, const VerificationRow& row, std::int64_t now) {
  tx.exec(
      "INSERT INTO phone_verifications (id, user_id, type, e164, extension, channel, code_hash, "
      "status, attempts, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
      {row.id, row.user_id, std::string(to_string(row.type)), row.e164, row.extension,
       std::string(to_string(row.channel)), row.code_hash, now, row.expires_at});
}

bool finish_verification(store::Tx& tx, std::string_view id, std::string_view status,
                         std::string_view reason, std::int64_t now) {
  const store::Value why =
      reason.empty() ? store::Value(nullptr) : store::Value(std::string(reason));
  const store::Value confirmed_at =
      status == "confirmed" ? store::Value(now) : store::Value(nullptr);
  return tx.exec(
             "UPDATE phone_verifications SET status = ?, reason = ?, confirmed_at = ? "
             "WHERE id = ? AND status = 'pending'",
             {std::string(status), why, confirmed_at, std::string(id)}) > 0;
}

void cancel_verifications(store::Tx& tx, std::string_view user_id, std::optional<PhoneType> type,
                          std::string_view reason) {
  const std::string sql =
      "UPDATE phone_verifications SET status = 'cancelled', reason = ? WHERE user_id = ? AND "
      "status = 'pending'";
  if (type) {
    tx.exec(sql + " AND type = ?",
            {std::string(reason), std::string(user_id), std::string(to_string(*type))});
  } else {
    tx.exec(sql, {std::string(reason), std::string(user_id)});
  }
}

std::optional<TransactionRow> find_transaction(store::Tx& tx, std::string_view txid) {
  auto row = tx.query_one(
      "SELECT id, user_id, phone_type, e164, channel, code_hash, status, reason, attempts, "
      "requester, created_at, expires_at, answered_at FROM phone_transactions WHERE id = ?",
      {std::string(txid)});
  if (!row) return std::nullopt;
  return TransactionRow{row->text(0),
                        row->text(1),
                        type_of(row->text(2)),
                        row->text(3),
                        channel_of(row->text(4)),
                        row->text(5),
                        row->text(6),
                        row->opt_text(7).value_or(""),
                        row->integer(8),
                        row->text(9),
                        row->integer(10),
                        row->integer(11),
                        row->opt_integer(12)};
}

void insert_transaction(store::Tx& tx, const TransactionRow& row) {
  tx.exec(
      "INSERT INTO phone_transactions (id, user_id, phone_type, e164, channel, code_hash, "
      "status, attempts, requester, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
      {row.id, row.user_id, std::string(to_string(row.phone_type)), row.e164,
       std::string(to_string(row.channel)), row.code_hash, row.requester, row.created_at,
       row.expires_at});
}

bool decide_transaction(store::Tx& tx, std::string_view txid, std::string_view status,
                        std::string_view reason, std::int64_t now) {
  const store::Value why =
      reason.empty() ? store::Value(nullptr) : store::Value(std::string(reason));
  return tx.exec(
             "UPDATE phone_transactions SET status = ?, reason = ?, answered_at = ? "
             "WHERE id = ? AND status = 'pending'",
             {std::string(status), why, now, std::string(txid)}) > 0;
}

std::vector<std::string> deny_pending_transactions(store::Tx& tx, std::string_view user_id,
                                                   std::optional<PhoneType> type,
                                                   std::string_view reason, std::int64_t now) {
  const std::string sql =
      "UPDATE phone_transactions SET status = 'denied', reason = ?, answered_at = ? "
      "WHERE user_id = ? AND status = 'pending'";
  const auto rows =
      type ? tx.query(
                 sql + " AND phone_type = ? RETURNING id",
                 {std::string(reason), now, std::string(user_id), std::string(to_string(*type))})
           : tx.query(sql + " RETURNING id", {std::string(reason), now, std::string(user_id)});
  std::vector<std::string> ids;
  for (const store::Row& row : rows) ids.push_back(row.text(0));
  return ids;
}

void audit_change(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                  const PhoneChange& change) {
  boost::json::object detail{{"phone", to_string(change.type)}, {"verified", change.verified}};
  if (!change.old_e164.empty()) detail["old_number"] = mask_number(change.old_e164, 4);
  if (!change.new_e164.empty()) detail["number"] = mask_number(change.new_e164, 4);
  store::append_audit(tx, clock, who,
                      {"phone." + std::string(to_string(change.kind)), change.user_id, "",
                       "success", std::move(detail)});
}

}  // namespace twostep::phone::detail
