// PushService::answer_push: a device's signed decision, number matching, and what a
// decision does to the user (failure count, reset, fraud block).
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "push/effects.hpp"
#include "push/principals.hpp"
#include "push/protocol.hpp"
#include "push/push_service.hpp"
#include "push/records.hpp"

namespace twostep::push {
namespace {

// What an answer does besides deciding the push.
enum class UserEffect { kNone, kFailure, kSuccess, kBlock };

struct Verdict {
  PushStatus status;
  std::string reason;
  UserEffect effect;
};

Verdict judge(const AnswerRequest& answer, const std::string& expected_number,
              const detail::UserState& user, std::int64_t now) {
  switch (answer.decision) {
    case Decision::kFraud:
      return {PushStatus::kFraud, std::string(reason::kFraudReported), UserEffect::kBlock};
    case Decision::kDeny:
      return {PushStatus::kDenied, std::string(reason::kUserDenied), UserEffect::kNone};
    case Decision::kApprove:
      break;
  }
  // A user blocked, disabled or locked since the push was sent cannot be let in by it.
  if (auto may = detail::require_may_authenticate(user, now); !may) {
    return {PushStatus::kDenied, may.error().code, UserEffect::kNone};
  }
  if (answer.number.empty() || !core::constant_time_equal(answer.number, expected_number)) {
    return {PushStatus::kDenied, std::string(reason::kNumberMismatch), UserEffect::kFailure};
  }
  return {PushStatus::kApproved, "", UserEffect::kSuccess};
}

// Does to the user what the winning answer implies; true when it locked the user out.
bool apply_effect(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                  UserEffect effect, const PushTransaction& push, const std::string& device_id,
                  const detail::UserState& user, const PushSettings& settings,
                  detail::AfterCommit& after) {
  switch (effect) {
    case UserEffect::kFailure:
      return detail::record_failure(tx, clock, who, user, settings.lockout);
    case UserEffect::kSuccess:
      detail::record_success(tx, clock, user);
      return false;
    case UserEffect::kBlock: {
      const bool blocked = detail::block_user(tx, clock, push.user_id);
      detail::deny_all_pending(tx, push.user_id, reason::kUserBlocked,
                               core::unix_seconds(clock.now()), after);
      store::append_audit(tx, clock, who,
                          {"push.fraud",
                           push.user_id,
                           device_id,
                           "fraud",
                           {{"txid", push.txid},
                            {"app", push.requester.name},
                            {"ip", push.context.ip},
                            {"user_blocked", blocked}}});
      return false;
    }
    case UserEffect::kNone:
      break;
  }
  return false;
}

std::unexpected<core::Error> already_answered() {
  return core::fail(core::ErrorKind::kConflict, "transaction_already_answered",
                    "this request was already answered");
}

std::unexpected<core::Error> not_found() {
  return core::fail(core::ErrorKind::kNotFound, "transaction_not_found", "no such transaction");
}

}  // namespace

core::Result<AnswerOutcome> PushService::answer_push(const AnswerRequest& answer,
                                                     const PushSettings& settings,
                                                     const store::AuditContext& who) {
  detail::AfterCommit after;
  auto out = detail::write_committing(store_, [&](store::Tx& tx) {
    std::string user_of_device;
    auto result = answer_in_tx(tx, answer, settings, who, after, user_of_device);
    // Every answer leaves an audit row, refused ones too, in the same transaction.
    boost::json::object detail{{"txid", answer.txid}, {"decision", to_string(answer.decision)}};
    const std::string& why = result ? result->reason : result.error().code;
    if (!why.empty()) detail.emplace("reason", why);
    store::append_audit(
        tx, clock_, who,
        {"push.answer", user_of_device, answer.device_id,
         result ? std::string(to_string(result->status)) : "refused", std::move(detail)});
    return result;
  });
  after.run(fanout_);
  if (out) record_outcome(*out);
  return out;
}

core::Result<AnswerOutcome> PushService::answer_in_tx(store::Tx& tx, const AnswerRequest& answer,
                                                      const PushSettings& settings,
                                                      const store::AuditContext& who,
                                                      detail::AfterCommit& after,
                                                      std::string& user_of_device) {
  const auto now = clock_.now();
  const auto device = detail::find_device(tx, answer.device_id);
  if (!device) return not_found();
  user_of_device = device->user_id;
  if (!detail::signature_valid(*device,
                               push_signed_message(answer.txid, answer.decision, answer.number),
                               answer.signature_b64url)) {
    return core::fail(core::ErrorKind::kUnauthenticated, "invalid_signature",
                      "the signature does not verify with this device's key");
  }
  auto stored = detail::find_push(tx, answer.txid);
  // Another user's push and a deactivated device look exactly like an unknown txid.
  if (!stored || !device->active || stored->push.user_id != device->user_id) {
    return not_found();
  }
  const PushTransaction& push = stored->push;
  const auto user = detail::find_user(tx, push.user_id);
  if (!user) return not_found();
  if (push.status != PushStatus::kPending) {
    return already_answered();
  }
  const std::int64_t now_s = core::unix_seconds(now);
  if (now >= push.expires_at) {
    if (detail::decide_push(tx, push.txid, PushStatus::kExpired, reason::kTimeout, "", now_s)) {
      after.push_ended(push.user_id, push.txid);
      counters_.expired.fetch_add(1, std::memory_order_relaxed);
    }
    return core::fail(core::ErrorKind::kGone, "transaction_expired", "this request has expired");
  }
  const Verdict verdict = judge(answer, stored->number, *user, now_s);
  // The conditional update decides who was first, on this node or any other; only the
  // winner goes on to touch the user.
  if (!detail::decide_push(tx, push.txid, verdict.status, verdict.reason, device->id, now_s)) {
    return already_answered();
  }
  AnswerOutcome outcome{push.txid, push.user_id, verdict.status, verdict.reason, false};
  outcome.locked_out =
      apply_effect(tx, clock_, who, verdict.effect, push, device->id, *user, settings, after);
  after.push_ended(push.user_id, push.txid, device->id);
  return outcome;
}

void PushService::record_outcome(const AnswerOutcome& outcome) {
  switch (outcome.status) {
    case PushStatus::kApproved:
      counters_.approved.fetch_add(1, std::memory_order_relaxed);
      break;
    case PushStatus::kFraud:
      counters_.fraud.fetch_add(1, std::memory_order_relaxed);
      // The alert for admins: the audit row above, this line, and the fraud counter.
      core::log(core::LogLevel::kWarn, "push fraud reported; user blocked",
                {{"user_id", outcome.user_id}, {"txid", outcome.txid}});
      break;
    default:
      counters_.denied.fetch_add(1, std::memory_order_relaxed);
      break;
  }
}

}  // namespace twostep::push
