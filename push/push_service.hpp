// Push approvals with number matching (SPEC.md capability 5) and the security notices of
// capability 11: the rules, on the store, with delivery through a PushFanout after each
// commit. Knows nothing of HTTP or WebSockets; server/ calls it from worker threads (every
// call is a blocking store transaction) and maps its errors to statuses.
//
// Some refusals still commit something, because the record must survive the refusal: a
// fatigue or blocked-user refusal is audited, a late answer marks the push expired, a wrong
// number records the denial and the failed attempt. Those calls therefore commit their
// transaction whether they return a value or an error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "push/fanout.hpp"
#include "push/types.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::push {

namespace detail {
class AfterCommit;
}  // namespace detail

/// Running totals for /metrics. Relaxed atomics: they are statistics, not state.
struct PushCounters {
  std::atomic<std::uint64_t> created{0};
  std::atomic<std::uint64_t> refused{0};  // fatigue, blocked, disabled, locked, no device
  std::atomic<std::uint64_t> approved{0};
  std::atomic<std::uint64_t> denied{0};
  std::atomic<std::uint64_t> fraud{0};  // fraud reports and "not me" answers: alert on it
  std::atomic<std::uint64_t> expired{0};
};

/// Deactivates one device inside the caller's transaction. push/ may not include
/// activation/ (STYLE.md's layers), so server/ passes activation::deactivate_device bound to
/// its clock, audit context and reason `disowned`. It is only called for an active device.
using DeactivateInTx = std::function<core::Result<void>(store::Tx& tx, std::string_view device_id)>;

/// How long a device_added notice can be answered with "not me".
inline constexpr std::chrono::hours kNotMeWindow{24 * 7};

class PushService {
 public:
  /// All references must outlive the service.
  PushService(store::Store& store, const core::Clock& clock, core::Random& random,
              PushFanout& fanout);

  // ---- Transactions -------------------------------------------------------------------

  /// Creates a pending push and delivers it to the user's connected devices. Refusals
  /// (audited as "push.request" with the reason): 404 "user_not_found"; 423 "user_blocked";
  /// 403 "user_disabled"; 423 "locked_out" (retry_after); 409 "no_active_device"; 429
  /// "too_many_pushes" (retry_after) when the user already has max_outstanding pending or
  /// max_per_minute pushes in the last minute; 400 "invalid_context" when a context field is
  /// longer than PushContext::kMaxContextField.
  core::Result<NewPush> create_push(const PushRequest& request, const PushSettings& settings,
                                    const store::AuditContext& who);

  /// Records a device's signed answer; the first valid answer decides. The signature is
  /// checked first, with the device's key. Errors: 401 "invalid_signature"; 404
  /// "transaction_not_found" (unknown txid or device, another user's push, a deactivated
  /// device); 409 "transaction_already_answered"; 410 "transaction_expired" (the push is
  /// marked expired). Approve with the wrong or no number → denied, reason "number_mismatch",
  /// counted as a failed attempt for lockout; approve with the right number → approved and
  /// failures cleared (or denied with "user_blocked"/"user_disabled"/"locked_out" when the
  /// user may no longer sign in); deny → denied "user_denied"; fraud → status fraud, the user
  /// blocked, their other pending pushes denied "user_blocked", audit "push.fraud" and a warn
  /// log line. Every answer, refused ones included, is audited as "push.answer"; the number
  /// never appears in an audit row or log. After the commit the user's other devices get
  /// `cancel` and long-polls wake; the session sends result_frame() to the answering device.
  core::Result<AnswerOutcome> answer_push(const AnswerRequest& answer, const PushSettings& settings,
                                          const store::AuditContext& who);

  /// The transaction for its requester; anyone else gets 404 "transaction_not_found". A
  /// pending push past its time is marked expired (and its devices told) before it is read.
  core::Result<PushTransaction> get_transaction(std::string_view txid,
                                                std::string_view requester_id);

  /// Pending, unexpired pushes for a device that just connected (empty when the device is
  /// unknown or deactivated), oldest first. Send each as push_frame().
  std::vector<PushTransaction> list_pending_for_device(std::string_view device_id);

  /// Marks pending pushes past their time as expired, tells devices (cancel) and waiters.
  /// server/ runs it about once a second. Returns how many expired.
  std::size_t expire_due(std::size_t limit = 1000);

  /// After a device was deactivated: when the user has no active device left, their pending
  /// pushes are denied with reason "no_active_device" at once instead of waiting to expire.
  /// Returns their txids.
  std::vector<std::string> cancel_if_no_active_device(std::string_view user_id);

  // ---- Device sessions ----------------------------------------------------------------

  /// Checks the WebSocket `auth` frame: the signature over
  /// ws_auth_signed_message(device_id, nonce) by the device's key. Errors: 401
  /// "unknown_device" (close 4401), 401 "invalid_signature" (4401), 403
  /// "device_deactivated" (4403, only told to the holder of the key).
  core::Result<DeviceIdentity> authenticate_device(std::string_view device_id,
                                                   std::string_view nonce,
                                                   std::string_view signature_b64url);

  // ---- Security notices ---------------------------------------------------------------

  /// queue_notice() in its own transaction, then delivers each notice to its connected
  /// recipient and marks the ones handed over as delivered.
  std::vector<Notice> notify(const NoticeRequest& request);

  /// Hands each notice to its connected recipient (through the fan-out) and marks the ones
  /// handed over as delivered; the rest wait for list_undelivered() on connect.
  void deliver_notices(const std::vector<Notice>& notices);

  /// Undelivered notices of an active device, oldest first (for delivery on connect).
  std::vector<Notice> list_undelivered(std::string_view device_id);

  /// Marks a notice delivered (after the session handed its frame to the socket).
  void mark_delivered(std::string_view device_id, std::string_view event_id);

  /// The "not me" answer to a device_added notice: within kNotMeWindow, signed by the
  /// recipient device, which must be active. Deactivates the subject device through
  /// `deactivate` in the same transaction (if it is still active), blocks the user, denies
  /// their pending pushes, audits "device.disowned"; then closes the subject's channels and
  /// cancels the pushes. Errors: 401 "invalid_signature"; 404 "notice_not_found" (unknown,
  /// another device's, not a device_added notice); 410 "notice_expired"; 409
  /// "notice_already_handled"; errors of `deactivate` as they are.
  core::Result<NotMeOutcome> handle_not_me(const NotMeRequest& request,
                                           const DeactivateInTx& deactivate,
                                           const store::AuditContext& who);

  const PushCounters& counters() const { return counters_; }

 private:
  // The body of answer_push inside its transaction; sets `user_of_device` for the audit row.
  core::Result<AnswerOutcome> answer_in_tx(store::Tx& tx, const AnswerRequest& answer,
                                           const PushSettings& settings,
                                           const store::AuditContext& who,
                                           detail::AfterCommit& after, std::string& user_of_device);
  void record_outcome(const AnswerOutcome& outcome);
  void audit_refused_not_me(const NotMeRequest& request, const core::Error& error,
                            const store::AuditContext& who);
  // pending → expired for one push (conditional), then cancel and wake.
  void expire_one(const std::string& txid, const std::string& user_id);

  store::Store& store_;
  const core::Clock& clock_;
  core::Random& random_;
  PushFanout& fanout_;
  PushCounters counters_;
};

// ---- Transaction-level pieces, for composing with another module's change -----------------

/// Queues `request` as one notice per other active device of the user (excluding
/// `exclude_device_id` and the subject device), in `tx`. Use it inside the transaction of the
/// change it announces (e.g. with activation's activate), then call
/// PushService::deliver_notices() after the commit.
std::vector<Notice> queue_notice(store::Tx& tx, const core::Clock& clock, core::Random& random,
                                 const NoticeRequest& request);

/// Claims the remember token of an approved push that was asked for with `remember: true`:
/// true exactly once per push (the first read of its approved status), false when the push
/// is not approved, did not ask, or was claimed before. The caller issues the token
/// (account/remember_tokens.hpp) in the same transaction, so a claim and its token commit
/// together.
bool claim_remember_token(store::Tx& tx, const core::Clock& clock, std::string_view txid);

}  // namespace twostep::push
