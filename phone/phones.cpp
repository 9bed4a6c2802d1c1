// The phones table; see phones.hpp.
#include "phone/phones.hpp"

#include <algorithm>

#include "phone/records.hpp"

namespace twostep::phone {
namespace {

constexpr std::string_view kColumns =
    "user_id, type, e164, extension, verified_at, created_at, updated_at";

Phone to_phone(const store::Row& row) {
  const auto verified = row.opt_integer(4);
  return Phone{row.text(0),
               parse_phone_type(row.text(1)).value_or(PhoneType::kMobile),
               row.text(2),
               row.text(3),
               verified ? std::optional(core::from_unix_seconds(*verified)) : std::nullopt,
               core::from_unix_seconds(row.integer(5)),
               core::from_unix_seconds(row.integer(6))};
}

}  // namespace

std::vector<Phone> list_phones(store::Tx& tx, std::string_view user_id) {
  std::vector<Phone> out;
  for (const store::Row& row :
       tx.query("SELECT " + std::string(kColumns) + " FROM phones WHERE user_id = ?",
                {std::string(user_id)})) {
    out.push_back(to_phone(row));
  }
  std::sort(out.begin(), out.end(), [](const Phone& a, const Phone& b) { return a.type < b.type; });
  return out;
}

std::optional<Phone> find_phone(store::Tx& tx, std::string_view user_id, PhoneType type) {
  auto row = tx.query_one(
      "SELECT " + std::string(kColumns) + " FROM phones WHERE user_id = ? AND type = ?",
      {std::string(user_id), std::string(to_string(type))});
  if (!row) return std::nullopt;
  return to_phone(*row);
}

void save_phone(store::Tx& tx, const Phone& phone) {
  const store::Value verified = phone.verified_at
                                    ? store::Value(core::unix_seconds(*phone.verified_at))
                                    : store::Value(nullptr);
  tx.exec(
      "INSERT INTO phones (user_id, type, e164, extension, verified_at, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, type) DO UPDATE SET "
      "e164 = excluded.e164, extension = excluded.extension, verified_at = excluded.verified_at, "
      "updated_at = excluded.updated_at",
      {phone.user_id, std::string(to_string(phone.type)), phone.e164, phone.extension, verified,
       core::unix_seconds(phone.created_at), core::unix_seconds(phone.updated_at)});
}

bool delete_phone(store::Tx& tx, std::string_view user_id, PhoneType type) {
  return tx.exec("DELETE FROM phones WHERE user_id = ? AND type = ?",
                 {std::string(user_id), std::string(to_string(type))}) > 0;
}

bool has_phone_for_method(store::Tx& tx, std::string_view user_id, std::string_view method) {
  const auto needed = phone_for_preferred_method(method);
  return !needed || find_phone(tx, user_id, *needed).has_value();
}

std::vector<std::string> phone_methods(store::Tx& tx, std::string_view user_id) {
  bool sms = false;
  bool voice = false;
  for (const Phone& p : list_phones(tx, user_id)) {
    sms = sms || supports(p.type, Channel::kSms);
    voice = true;
  }
  std::vector<std::string> out;
  if (sms) out.emplace_back("sms");
  if (voice) out.emplace_back("voice");
  return out;
}

std::vector<PhoneChange> remove_all_phones(store::Tx& tx, const core::Clock& clock,
                                           const store::AuditContext& who,
                                           std::string_view user_id) {
  const auto now = clock.now();
  std::vector<PhoneChange> changes;
  for (const Phone& p : list_phones(tx, user_id)) {
    delete_phone(tx, user_id, p.type);
    PhoneChange change{p.user_id, p.type, ChangeKind::kRemoved, p.e164, p.extension, "", "",
                       false,     now};
    detail::audit_change(tx, clock, who, change);
    changes.push_back(std::move(change));
  }
  detail::cancel_verifications(tx, user_id, std::nullopt, "phone_removed");
  detail::deny_pending_transactions(tx, user_id, std::nullopt, "phone_removed",
                                    core::unix_seconds(now));
  return changes;
}

}  // namespace twostep::phone
