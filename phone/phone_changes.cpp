// PhoneService's self-service changes: the seed's rule for saving a number at once or
// after a code, confirming that code, and removing a phone.
#include "core/ids.hpp"
#include "phone/numbers.hpp"
#include "phone/phone_service.hpp"
#include "phone/phones.hpp"
#include "phone/records.hpp"
#include "phone/send_limits.hpp"
#include "phone/user_state.hpp"

namespace twostep::phone {
namespace {

std::unexpected<core::Error> invalid_number(std::string message) {
  return core::fail(core::ErrorKind::kInvalidInput, "invalid_phone_number", std::move(message),
                    "number");
}

// Whether a valid number fits the slot it is meant for.
core::Result<void> check_slot(const ParsedNumber& number, PhoneType type) {
  if (!number.acceptable()) {
    return invalid_number("a " + std::string(to_string(number.kind)) +
                          " number cannot receive sign-in codes");
  }
  if (type != PhoneType::kOffice && !number.can_receive_sms()) {
    return invalid_number(
        "a fixed-line number cannot receive text messages; add it as the "
        "office phone");
  }
  if (type != PhoneType::kOffice && !number.extension.empty()) {
    return invalid_number("only the office phone may have an extension");
  }
  return {};
}

// The mobile and alternate mobile phones exist so that losing one leaves the other.
core::Result<void> check_not_duplicate(store::Tx& tx, std::string_view user_id, PhoneType type,
                                       const std::string& e164) {
  if (type == PhoneType::kOffice) return {};
  const PhoneType other =
      type == PhoneType::kMobile ? PhoneType::kAlternateMobile : PhoneType::kMobile;
  const auto existing = find_phone(tx, user_id, other);
  if (existing && existing->e164 == e164) {
    return core::fail(core::ErrorKind::kConflict, "duplicate_phone_number",
                      "the alternate mobile phone must be a different number from the mobile "
                      "phone",
                      "number");
  }
  return {};
}

// Saves `number` into the slot (replacing what was there) and records the change; nullopt
// change when the slot already held exactly this number.
SavedPhone save_number(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                       std::string_view user_id, PhoneType type, const std::string& e164,
                       const std::string& extension, bool verified,
                       std::vector<std::string>& ended_txids) {
  const auto now = clock.now();
  const auto current = find_phone(tx, user_id, type);
  const bool same = current && current->e164 == e164 && current->extension == extension;
  Phone phone{std::string(user_id),
              type,
              e164,
              extension,
              verified ? std::optional(now) : (same ? current->verified_at : std::nullopt),
              current ? current->created_at : now,
              now};
  save_phone(tx, phone);
  if (same) return SavedPhone{std::move(phone), std::nullopt};
  PhoneChange change{std::string(user_id),
                     type,
                     current ? ChangeKind::kChanged : ChangeKind::kAdded,
                     current ? current->e164 : "",
                     current ? current->extension : "",
                     e164,
                     extension,
                     verified,
                     now};
  // Codes sent to the old number must not outlive it.
  ended_txids = detail::deny_pending_transactions(tx, user_id, type, "phone_changed",
                                                  core::unix_seconds(now));
  detail::audit_change(tx, clock, who, change);
  return SavedPhone{std::move(phone), std::move(change)};
}

std::unexpected<core::Error> verification_state_error(const std::string& status) {
  if (status == "confirmed") {
    return core::fail(core::ErrorKind::kConflict, "verification_used",
                      "this number was already confirmed");
  }
  if (status == "expired") {
    return core::fail(core::ErrorKind::kGone, "verification_expired",
                      "the code has expired; save the number again for a new code");
  }
  return core::fail(core::ErrorKind::kConflict, "verification_cancelled",
                    "this verification was cancelled; save the number again for a new code");
}

}  // namespace

core::Result<SetPhoneOutcome> PhoneService::set_phone(const SetPhoneRequest& request,
                                                      const PhoneSettings& settings,
                                                      const store::AuditContext& who) {
  const auto number = parse_number(request.number, settings.default_region);
  if (!number) return std::unexpected(number.error());
  if (auto fits = check_slot(*number, request.type); !fits) return std::unexpected(fits.error());
  const Channel channel = request.channel.value_or(default_channel(request.type));
  if (!supports(request.type, channel)) {
    return core::fail(core::ErrorKind::kInvalidInput, "unsupported_method",
                      "the office phone takes voice calls only", "channel");
  }
  std::optional<Message> outgoing;
  std::string verification_id;
  std::vector<std::string> ended;
  auto out = detail::write_committing(store_, [&](store::Tx& tx) -> core::Result<SetPhoneOutcome> {
    auto user = detail::require_user(tx, request.user_id);
    if (!user) return std::unexpected(user.error());
    if (auto usable = detail::require_usable(*user); !usable) {
      return std::unexpected(usable.error());
    }
    const bool verify = request.verify || settings.verify_all_changes ||
                        phone_for_preferred_method(user->preferred_method) == request.type;
    const auto current = find_phone(tx, user->id, request.type);
    const bool same =
        current && current->e164 == number->e164 && current->extension == number->extension;
    // The stored number again: nothing to do, unless it must be proven and never was.
    if (same && (!verify || current->verified_at)) return SavedPhone{*current, std::nullopt};
    if (auto unique = check_not_duplicate(tx, user->id, request.type, number->e164); !unique) {
      return std::unexpected(unique.error());
    }
    if (!verify) {
      detail::cancel_verifications(tx, user->id, request.type, "superseded");
      return save_number(tx, clock_, who, user->id, request.type, number->e164, number->extension,
                         false, ended);
    }
    const auto now = clock_.now();
    boost::json::object info{{"phone", to_string(request.type)},
                             {"number", mask_number(number->e164, 4)},
                             {"channel", to_string(channel)}};
    if (auto reserved = reserve_send(tx, clock_, settings.limits, user->id, number->e164);
        !reserved) {
      info["reason"] = reserved.error().code;
      store::append_audit(tx, clock_, who,
                          {"phone.verification_started", user->id, "", "refused", info});
      return std::unexpected(reserved.error());
    }
    detail::cancel_verifications(tx, user->id, request.type, "superseded");
    const auto lifetime = settings.effective_code_lifetime();
    detail::VerificationRow row{core::new_id(kVerificationIdPrefix, random_),
                                user->id,
                                request.type,
                                number->e164,
                                number->extension,
                                channel,
                                "",
                                "pending",
                                0,
                                core::unix_seconds(now + lifetime)};
    const std::string code = new_code(random_);
    row.code_hash = hasher_.hash(row.id, code);
    detail::insert_verification(tx, row, core::unix_seconds(now));
    info["verification_id"] = row.id;
    store::append_audit(tx, clock_, who,
                        {"phone.verification_started", user->id, "", "success", info});
    outgoing = code_message(channel, Purpose::kVerification, number->e164, number->extension, code,
                            lifetime);
    verification_id = row.id;
    return PendingVerification{row.id, request.type, channel, mask_number(number->e164),
                               now + lifetime};
  });
  changed(ended);
  if (!out || !outgoing) return out;
  auto sent = deliver(
      *outgoing, who, request.user_id, {{"verification_id", verification_id}}, [&](store::Tx& tx) {
        detail::finish_verification(tx, verification_id, "cancelled", "delivery_failed",
                                    core::unix_seconds(clock_.now()));
      });
  if (!sent) return std::unexpected(sent.error());
  return out;
}

core::Result<SavedPhone> PhoneService::confirm_verification(std::string_view user_id,
                                                            std::string_view verification_id,
                                                            std::string_view code,
                                                            const PhoneSettings& settings,
                                                            const store::AuditContext& who) {
  std::vector<std::string> ended;
  auto out = detail::write_committing(store_, [&](store::Tx& tx) -> core::Result<SavedPhone> {
    const std::int64_t now = core::unix_seconds(clock_.now());
    const auto v = detail::find_verification(tx, verification_id, user_id);
    if (!v) {
      return core::fail(core::ErrorKind::kNotFound, "verification_not_found",
                        "no such verification");
    }
    if (v->status != "pending") return verification_state_error(v->status);
    if (now >= v->expires_at) {
      detail::finish_verification(tx, v->id, "expired", "", now);
      return verification_state_error("expired");
    }
    auto user = detail::require_user(tx, v->user_id);
    if (!user) return std::unexpected(user.error());
    if (auto may = detail::require_may_authenticate(*user, now); !may) {
      return std::unexpected(may.error());
    }
    boost::json::object info{{"verification_id", v->id}, {"phone", to_string(v->type)}};
    if (!hasher_.matches(v->code_hash, v->id, normalise_code(code))) {
      const auto attempts = tx.query_one(
          "UPDATE phone_verifications SET attempts = attempts + 1 WHERE id = ? RETURNING attempts",
          {v->id});
      const bool voided = attempts && attempts->integer(0) >= settings.max_code_attempts;
      if (voided) detail::finish_verification(tx, v->id, "cancelled", "too_many_attempts", now);
      const auto failure = detail::record_failure(tx, clock_, who, *user, settings.lockout);
      info["voided"] = voided;
      store::append_audit(tx, clock_, who,
                          {"phone.verification", user->id, "", "failure", std::move(info)});
      if (failure.locked_now) {
        auto error = core::fail(core::ErrorKind::kLocked, "locked_out",
                                "too many failed attempts; try again later");
        error.error().retry_after = std::chrono::seconds(*failure.state.locked_until - now);
        return error;
      }
      return core::fail(
          core::ErrorKind::kInvalidInput, "invalid_code",
          voided ? "the code is wrong; save the number again for a new code" : "the code is wrong",
          "code");
    }
    if (!detail::finish_verification(tx, v->id, "confirmed", "", now)) {
      return verification_state_error("confirmed");
    }
    store::append_audit(tx, clock_, who,
                        {"phone.verification", user->id, "", "success", std::move(info)});
    return save_number(tx, clock_, who, user->id, v->type, v->e164, v->extension, true, ended);
  });
  changed(ended);
  return out;
}

core::Result<PhoneChange> PhoneService::remove_phone(std::string_view user_id, PhoneType type,
                                                     const store::AuditContext& who) {
  std::vector<std::string> ended;
  auto out = store_.write([&](store::Tx& tx) -> core::Result<PhoneChange> {
    auto user = detail::require_user(tx, user_id);
    if (!user) return std::unexpected(user.error());
    const auto current = find_phone(tx, user->id, type);
    if (!current) {
      return core::fail(core::ErrorKind::kNotFound, "phone_not_found",
                        "there is no " + std::string(to_string(type)) + " phone", "type");
    }
    if (phone_for_preferred_method(user->preferred_method) == type) {
      return core::fail(core::ErrorKind::kConflict, "phone_required_by_preferred_method",
                        "your preferred method (" + user->preferred_method +
                            ") uses this phone; choose another preferred method first");
    }
    const auto now = clock_.now();
    delete_phone(tx, user->id, type);
    detail::cancel_verifications(tx, user->id, type, "phone_removed");
    ended = detail::deny_pending_transactions(tx, user->id, type, "phone_removed",
                                              core::unix_seconds(now));
    PhoneChange change{
        user->id, type, ChangeKind::kRemoved, current->e164, current->extension, "", "",
        false,    now};
    detail::audit_change(tx, clock_, who, change);
    return change;
  });
  changed(ended);
  return out;
}

}  // namespace twostep::phone
