// PhoneService's sign-in codes: sending one (POST /v1/auth/sms, the web sign-in's
// send-code), checking it, and reading the transaction.
#include "core/ids.hpp"
#include "phone/numbers.hpp"
#include "phone/phone_service.hpp"
#include "phone/phones.hpp"
#include "phone/records.hpp"
#include "phone/send_limits.hpp"
#include "phone/user_state.hpp"

namespace twostep::phone {
namespace {

CodeStatus status_of(const std::string& text) {
  if (text == "pending") return CodeStatus::kPending;
  if (text == "approved") return CodeStatus::kApproved;
  if (text == "expired") return CodeStatus::kExpired;
  return CodeStatus::kDenied;
}

CodeTransaction to_transaction(const detail::TransactionRow& row) {
  return CodeTransaction{
      row.id,
      row.user_id,
      row.phone_type,
      row.channel,
      status_of(row.status),
      row.reason,
      core::from_unix_seconds(row.created_at),
      core::from_unix_seconds(row.expires_at),
      row.answered_at ? std::optional(core::from_unix_seconds(*row.answered_at)) : std::nullopt};
}

std::unexpected<core::Error> transaction_not_found() {
  return core::fail(core::ErrorKind::kNotFound, "transaction_not_found", "no such transaction");
}

// The phone asked for, or the first the user has in slot order.
core::Result<Phone> pick_phone(store::Tx& tx, std::string_view user_id,
                               std::optional<PhoneType> wanted) {
  if (wanted) {
    if (auto phone = find_phone(tx, user_id, *wanted)) return std::move(*phone);
  } else if (auto phones = list_phones(tx, user_id); !phones.empty()) {
    return std::move(phones.front());
  }
  return core::fail(core::ErrorKind::kNotFound, "phone_not_found",
                    wanted ? "the user has no " + std::string(to_string(*wanted)) + " phone"
                           : "the user has no phone",
                    "phone");
}

Channel pick_channel(std::optional<Channel> wanted, const std::string& preferred_method,
                     PhoneType type) {
  if (wanted) return *wanted;
  const auto preferred = parse_channel(preferred_method);
  if (preferred && supports(type, *preferred)) return *preferred;
  return default_channel(type);
}

}  // namespace

core::Result<NewCodeTransaction> PhoneService::start_sign_in(const SignInCodeRequest& request,
                                                             const PhoneSettings& settings,
                                                             const store::AuditContext& who) {
  std::optional<Message> outgoing;
  std::vector<std::string> ended;
  auto out =
      detail::write_committing(store_, [&](store::Tx& tx) -> core::Result<NewCodeTransaction> {
        const auto now = clock_.now();
        auto user = detail::require_user(tx, request.user_id);
        if (!user) return std::unexpected(user.error());
        boost::json::object info{{"requester", request.requester_id}};
        const auto refuse = [&](const core::Error& error) -> std::unexpected<core::Error> {
          info["reason"] = error.code;
          store::append_audit(tx, clock_, who,
                              {"phone.code_requested", user->id, "", "refused", info});
          return std::unexpected(error);
        };
        if (auto may = detail::require_may_authenticate(*user, core::unix_seconds(now)); !may) {
          return refuse(may.error());
        }
        auto phone = pick_phone(tx, user->id, request.phone);
        if (!phone) return refuse(phone.error());
        const Channel channel = pick_channel(request.channel, user->preferred_method, phone->type);
        info["phone"] = to_string(phone->type);
        info["channel"] = to_string(channel);
        info["to"] = mask_number(phone->e164, 4);
        if (!supports(phone->type, channel)) {
          return refuse(core::Error{core::ErrorKind::kInvalidInput, "unsupported_method",
                                    "the office phone takes voice calls only", "method"});
        }
        if (auto reserved = reserve_send(tx, clock_, settings.limits, user->id, phone->e164);
            !reserved) {
          return refuse(reserved.error());
        }
        for (const store::Row& row :
             tx.query("UPDATE phone_transactions SET status = 'denied', reason = 'superseded', "
                      "answered_at = ? WHERE user_id = ? AND requester = ? AND status = 'pending' "
                      "RETURNING id",
                      {core::unix_seconds(now), user->id, request.requester_id})) {
          ended.push_back(row.text(0));
        }
        const auto lifetime = settings.effective_code_lifetime();
        detail::TransactionRow row{core::new_id(kTxidPrefix, random_),
                                   user->id,
                                   phone->type,
                                   phone->e164,
                                   channel,
                                   "",
                                   "pending",
                                   "",
                                   0,
                                   request.requester_id,
                                   core::unix_seconds(now),
                                   core::unix_seconds(now + lifetime),
                                   std::nullopt};
        const std::string code = new_code(random_);
        row.code_hash = hasher_.hash(row.id, code);
        detail::insert_transaction(tx, row);
        info["txid"] = row.id;
        store::append_audit(tx, clock_, who,
                            {"phone.code_requested", user->id, "", "success", info});
        outgoing =
            code_message(channel, Purpose::kSignIn, phone->e164, phone->extension, code, lifetime);
        return NewCodeTransaction{row.id, phone->type, channel, mask_number(phone->e164),
                                  now + lifetime};
      });
  changed(ended);
  if (!out || !outgoing) return out;
  const std::string txid = out->txid;
  auto sent = deliver(*outgoing, who, request.user_id, {{"txid", txid}}, [&](store::Tx& tx) {
    detail::decide_transaction(tx, txid, "denied", "delivery_failed",
                               core::unix_seconds(clock_.now()));
  });
  if (!sent) {
    changed({txid});
    return std::unexpected(sent.error());
  }
  return out;
}

core::Result<CodeCheck> PhoneService::verify_sign_in(std::string_view txid,
                                                     std::string_view requester_id,
                                                     std::string_view code,
                                                     const PhoneSettings& settings,
                                                     const store::AuditContext& who) {
  bool decided = false;
  auto out = detail::write_committing(store_, [&](store::Tx& tx) -> core::Result<CodeCheck> {
    const std::int64_t now = core::unix_seconds(clock_.now());
    const auto row = detail::find_transaction(tx, txid);
    if (!row || row->requester != requester_id) return transaction_not_found();
    if (row->status == "approved" || row->status == "denied") {
      return core::fail(core::ErrorKind::kConflict, "transaction_already_answered",
                        "this code was already used or refused");
    }
    CodeCheck check{row->id, row->user_id, CodeStatus::kExpired, "expired", 0, false, {}};
    if (row->status == "expired") return check;
    const auto decide = [&](CodeStatus status, std::string reason) {
      decided = detail::decide_transaction(tx, row->id, to_string(status), reason, now);
      check.status = status;
      check.reason = std::move(reason);
    };
    boost::json::object info{{"txid", row->id}, {"phone", to_string(row->phone_type)}};
    const auto audit = [&](std::string_view result) {
      info["reason"] = check.reason;
      store::append_audit(tx, clock_, who,
                          {"phone.code_verify", row->user_id, "", std::string(result), info});
    };
    if (now >= row->expires_at) {
      decide(CodeStatus::kExpired, "expired");
      audit("expired");
      return check;
    }
    const auto user = detail::find_user(tx, row->user_id);
    if (!user) return transaction_not_found();
    if (auto may = detail::require_may_authenticate(*user, now); !may) {
      decide(CodeStatus::kDenied, may.error().code);
      check.retry_after = may.error().retry_after;
      audit("denied");
      return check;
    }
    if (!hasher_.matches(row->code_hash, row->id, normalise_code(code))) {
      const auto attempts = tx.query_one(
          "UPDATE phone_transactions SET attempts = attempts + 1 WHERE id = ? RETURNING attempts",
          {row->id});
      const int used =
          attempts ? static_cast<int>(attempts->integer(0)) : settings.max_code_attempts;
      const auto failure = detail::record_failure(tx, clock_, who, *user, settings.lockout);
      check.locked_now = failure.locked_now;
      if (failure.locked_now) {
        decide(CodeStatus::kDenied, "locked_out");
        check.retry_after = std::chrono::seconds(*failure.state.locked_until - now);
      } else if (used >= settings.max_code_attempts) {
        decide(CodeStatus::kDenied, "invalid_code");
      } else {
        check.status = CodeStatus::kPending;
        check.reason = "invalid_code";
        check.attempts_remaining = settings.max_code_attempts - used;
      }
      audit("failure");
      return check;
    }
    decide(CodeStatus::kApproved, "");
    if (!decided) {
      return core::fail(core::ErrorKind::kConflict, "transaction_already_answered",
                        "this code was already used or refused");
    }
    detail::record_success(tx, clock_, *user);
    tx.exec("UPDATE phones SET verified_at = ? WHERE user_id = ? AND type = ? AND e164 = ?",
            {now, row->user_id, std::string(to_string(row->phone_type)), row->e164});
    audit("success");
    return check;
  });
  if (decided) changed({std::string(txid)});
  return out;
}

core::Result<CodeTransaction> PhoneService::get_transaction(std::string_view txid,
                                                            std::string_view requester_id) {
  auto row = store_.read([&](store::Tx& tx) { return detail::find_transaction(tx, txid); });
  if (!row || row->requester != requester_id) return transaction_not_found();
  const std::int64_t now = core::unix_seconds(clock_.now());
  if (row->status == "pending" && now >= row->expires_at) {
    bool expired = false;
    store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
      expired = detail::decide_transaction(tx, row->id, "expired", "expired", now);
      return true;
    });
    // Another request may have decided it in the meantime: read what is there now.
    row = store_.read([&](store::Tx& tx) { return detail::find_transaction(tx, txid); });
    if (!row) return transaction_not_found();
    if (expired) changed({row->id});
  }
  return to_transaction(*row);
}

std::optional<std::string> PhoneService::latest_pending_txid(std::string_view requester_id,
                                                             std::string_view user_id) {
  const std::int64_t now = core::unix_seconds(clock_.now());
  return store_.read([&](store::Tx& tx) -> std::optional<std::string> {
    auto row = tx.query_one(
        "SELECT id FROM phone_transactions WHERE requester = ? AND user_id = ? AND "
        "status = 'pending' AND expires_at > ? ORDER BY created_at DESC, id DESC LIMIT 1",
        {std::string(requester_id), std::string(user_id), now});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

}  // namespace twostep::phone
