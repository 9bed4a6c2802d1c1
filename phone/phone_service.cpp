// PhoneService: construction, listing, delivery with its failure record, and the message to
// the old number after a change. The changes themselves are in phone_changes.cpp, sign-in
// codes in sign_in_codes.cpp.
#include "phone/phone_service.hpp"

#include "phone/numbers.hpp"
#include "phone/phones.hpp"

namespace twostep::phone {
namespace {

std::string_view slot_name(PhoneType type) {
  switch (type) {
    case PhoneType::kMobile:
      return "mobile phone";
    case PhoneType::kAlternateMobile:
      return "alternate mobile phone";
    case PhoneType::kOffice:
      break;
  }
  return "office phone";
}

// "twostep security notice: the mobile phone number on your account was changed to
// +31*******78 at 2026-11-27T23:45:11Z. If you did not do this, contact your help desk now."
std::string notice_text(const PhoneChange& change) {
  std::string text = "twostep security notice: the " + std::string(slot_name(change.type)) +
                     " number on your account was " + std::string(to_string(change.kind));
  if (change.kind != ChangeKind::kRemoved) text += " to " + mask_number(change.new_e164);
  return text + " at " + core::to_rfc3339(change.time) +
         ". If you did not do this, contact your help desk now.";
}

struct Recipient {
  PhoneType type;
  std::string e164;
  std::string extension;
};

// Who hears about a change: the number that was replaced or removed, or else the user's
// other phone, so the message reaches someone other than a possible attacker's new number.
std::optional<Recipient> notice_recipient(store::Store& store, const PhoneChange& change) {
  if (!change.old_e164.empty())
    return Recipient{change.type, change.old_e164, change.old_extension};
  return store.read([&](store::Tx& tx) -> std::optional<Recipient> {
    for (const Phone& p : list_phones(tx, change.user_id)) {
      if (p.type != change.type) return Recipient{p.type, p.e164, p.extension};
    }
    return std::nullopt;
  });
}

}  // namespace

std::string_view to_string(CodeStatus status) {
  switch (status) {
    case CodeStatus::kPending:
      return "pending";
    case CodeStatus::kApproved:
      return "approved";
    case CodeStatus::kDenied:
      return "denied";
    case CodeStatus::kExpired:
      break;
  }
  return "expired";
}

PhoneService::PhoneService(store::Store& store, const core::Clock& clock, core::Random& random,
                           Provider& provider, core::SecretBytes code_key)
    : store_(store),
      clock_(clock),
      random_(random),
      provider_(provider),
      hasher_(std::move(code_key)) {}

void PhoneService::on_transaction_changed(std::function<void(std::string_view txid)> observer) {
  observer_ = std::move(observer);
}

void PhoneService::changed(const std::vector<std::string>& txids) const {
  if (!observer_) return;
  for (const std::string& txid : txids) observer_(txid);
}

std::vector<Phone> PhoneService::list_phones(std::string_view user_id) {
  return store_.read([&](store::Tx& tx) { return phone::list_phones(tx, user_id); });
}

core::Result<void> PhoneService::deliver(const Message& message, const store::AuditContext& who,
                                         const std::string& user_id, boost::json::object detail,
                                         const std::function<void(store::Tx&)>& on_failure) {
  auto sent = provider_.send(message);
  if (sent) return {};
  detail["channel"] = to_string(message.channel);
  detail["purpose"] = to_string(message.purpose);
  detail["to"] = mask_number(message.to, 4);
  detail["error"] = sent.error().message;
  store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    on_failure(tx);
    store::append_audit(tx, clock_, who,
                        {"phone.delivery_failed", user_id, "", "failure", std::move(detail)});
    return true;
  });
  return sent;
}

core::Result<void> PhoneService::send_change_notice(const PhoneChange& change,
                                                    const store::AuditContext& who) {
  const auto to = notice_recipient(store_, change);
  if (!to) return {};
  const Message message{default_channel(to->type), to->e164, to->extension,
                        notice_text(change),       "",       Purpose::kNotice};
  auto sent = provider_.send(message);
  boost::json::object detail{{"phone", to_string(change.type)},
                             {"change", to_string(change.kind)},
                             {"channel", to_string(message.channel)},
                             {"to", mask_number(message.to, 4)}};
  if (!sent) detail["error"] = sent.error().message;
  store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    store::append_audit(
        tx, clock_, who,
        {"phone.notice_sent", change.user_id, "", sent ? "success" : "failure", std::move(detail)});
    return true;
  });
  return sent;
}

}  // namespace twostep::phone
