// Phone methods (SPEC.md capability 6 and the seed's "I want to change my phone number, or
// add a secondary number"): the self-service changes with their verification rule, sign-in
// codes by text message or call, and the messages that announce a change. Knows nothing of
// HTTP; server/ calls it from worker threads (every call is a blocking store transaction,
// and calls that send block on the provider too) and maps its errors to statuses.
//
// Messages are sent after the transaction that records them has committed, never inside
// it: a slow gateway must not hold the database's write lock. A send that fails is audited
// ("phone.delivery_failed") and reported as 503 "delivery_failed", and the code it carried
// is cancelled.
//
// Some refusals still commit something, because the record must survive the refusal: a
// wrong code counts toward the user's lockout, a rate-limited send is audited. Those calls
// commit their transaction whether they return a value or an error.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "phone/codes.hpp"
#include "phone/provider.hpp"
#include "phone/types.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::phone {

// ---- Self-service changes ---------------------------------------------------------------

/// PUT /v1/me/phones/{type} {number}.
struct SetPhoneRequest {
  std::string user_id;
  PhoneType type = PhoneType::kMobile;
  std::string number;              // as typed; parsed with PhoneSettings::default_region
  std::optional<Channel> channel;  // how to send a verification code; default_channel(type)
  /// Verify even where the rule does not ask for it, e.g. before the number becomes the one
  /// a new preferred method uses. With the stored number, starts a verification only when
  /// that number was never proven.
  bool verify = false;
};

/// The number was saved (200 {phone}). `change` is empty when the slot already held this
/// number (nothing to announce); otherwise queue a phone_changed notice with
/// notice_detail(*change) and call send_change_notice(*change).
struct SavedPhone {
  Phone phone;
  std::optional<PhoneChange> change;
};

/// The number must be verified first (202 {verification_id}): a code went to the new
/// number; POST /v1/me/phones/verifications/{verification_id} {code} saves it.
struct PendingVerification {
  std::string verification_id;
  PhoneType type = PhoneType::kMobile;
  Channel channel = Channel::kSms;
  std::string number_masked;  // where the code went, e.g. "+31*******78"
  core::TimePoint expires_at;
};

using SetPhoneOutcome = std::variant<SavedPhone, PendingVerification>;

// ---- Sign-in codes ----------------------------------------------------------------------

/// POST /v1/auth/sms {username, phone?, method?}, or the web sign-in's send-code.
struct SignInCodeRequest {
  std::string user_id;
  std::optional<PhoneType> phone;  // default: mobile, else alternate_mobile, else office
  std::optional<Channel> channel;  // default: the preferred method when it is sms or voice
                                   // and the phone supports it, else default_channel()
  std::string requester_id;        // application id, or "session:<id>" for the web sign-in
};

/// 202 {txid, status: "pending", expires_at}.
struct NewCodeTransaction {
  std::string txid;
  PhoneType phone = PhoneType::kMobile;
  Channel channel = Channel::kSms;
  std::string number_masked;
  core::TimePoint expires_at;
};

enum class CodeStatus { kPending, kApproved, kDenied, kExpired };
std::string_view to_string(CodeStatus status);

/// A sign-in code transaction as its requester may read it (never the code or its hash).
struct CodeTransaction {
  std::string txid;
  std::string user_id;
  PhoneType phone = PhoneType::kMobile;
  Channel channel = Channel::kSms;  // the transaction's `method` on the wire
  CodeStatus status = CodeStatus::kPending;
  std::string reason;  // "" while pending or when approved
  core::TimePoint created_at;
  core::TimePoint expires_at;
  std::optional<core::TimePoint> answered_at;
};

/// What one code check did. `status` is the transaction's status afterwards:
/// - kApproved: the code was right ("" reason); the user's failures were cleared.
/// - kPending with reason "invalid_code": wrong, but this code may be tried again
///   (`attempts_remaining` > 0). The wire answer is {status: "denied", reason:
///   "invalid_code"}; the transaction itself stays pending.
/// - kDenied: reason "invalid_code" (the last allowed wrong try), "locked_out" (this or an
///   earlier failure locked the user; `retry_after` set), "user_blocked", "user_disabled".
/// - kExpired: reason "expired"; the code was not checked.
struct CodeCheck {
  std::string txid;
  std::string user_id;
  CodeStatus status = CodeStatus::kDenied;
  std::string reason;
  int attempts_remaining = 0;
  bool locked_now = false;  // this failure locked the user (already audited)
  std::chrono::seconds retry_after{0};
};

class PhoneService {
 public:
  /// `code_key` keys the code hashes (CodeHasher); server/ derives it from the master key,
  /// e.g. HMAC-SHA256(master key, "twostep-phone-codes"). All references must outlive the
  /// service.
  PhoneService(store::Store& store, const core::Clock& clock, core::Random& random,
               Provider& provider, core::SecretBytes code_key);

  /// Called after the commit whenever a sign-in code transaction changes (approved,
  /// denied, expired), with its txid: server/ wakes its long polls here.
  void on_transaction_changed(std::function<void(std::string_view txid)> observer);

  // ---- Self-service ---------------------------------------------------------------------

  /// GET /v1/me/phones: the user's phones in slot order.
  std::vector<Phone> list_phones(std::string_view user_id);

  /// The seed's rule. The number is parsed (400 "invalid_phone_number", field "number":
  /// malformed, not valid in its region, premium-rate, toll-free or another kind that takes
  /// no codes, a fixed line in a mobile slot, an extension outside the office slot) and
  /// then:
  /// - saved at once (SavedPhone, audited "phone.added"/"phone.changed", verified false)
  ///   unless it is the number the preferred method uses (phone_for_preferred_method) or
  ///   `verify_all_changes` is on;
  /// - otherwise a code goes to the new number and the number waits (PendingVerification,
  ///   audited "phone.verification_started"); an older pending verification of the slot is
  ///   cancelled. Sending counts toward the send limits (429 "too_many_codes").
  /// The same number as stored gives SavedPhone without a change, unless it must be
  /// verified and never was (then a verification starts, and confirming it sets verified_at
  /// without a change). Other errors: 400 "unsupported_method" (field "channel": sms to the
  /// office phone); 404 "user_not_found"; 423 "user_blocked"; 403 "user_disabled"; 409
  /// "duplicate_phone_number" (mobile and alternate mobile must differ); 503
  /// "delivery_failed" (the verification is cancelled).
  core::Result<SetPhoneOutcome> set_phone(const SetPhoneRequest& request,
                                          const PhoneSettings& settings,
                                          const store::AuditContext& who);

  /// POST /v1/me/phones/verifications/{id} {code}: the right code saves the number with
  /// verified_at = now and returns it with its change ("phone.added"/"phone.changed",
  /// verified true). Errors: 404 "verification_not_found" (unknown, or another user's); 409
  /// "verification_used" (already confirmed); 409 "verification_cancelled" (superseded,
  /// undeliverable, or voided by too many wrong codes); 410 "verification_expired"; 423
  /// "locked_out" (retry_after; the code is not checked while locked); 400 "invalid_code"
  /// (field "code"; counted toward lockout; after max_code_attempts wrong codes the
  /// verification is cancelled). Each checked code is audited as "phone.verification". A right code
  /// does not clear the user's failure count: it proves the new number, not the account's factors.
  core::Result<SavedPhone> confirm_verification(std::string_view user_id,
                                                std::string_view verification_id,
                                                std::string_view code,
                                                const PhoneSettings& settings,
                                                const store::AuditContext& who);

  /// DELETE /v1/me/phones/{type}. Errors: 404 "user_not_found"; 404 "phone_not_found"; 409
  /// "phone_required_by_preferred_method" (the preferred method is sms or voice and this is
  /// the mobile phone: choose another preferred method first). Pending verifications of the
  /// slot are cancelled and pending sign-in codes to it denied ("phone_removed"). Audited
  /// "phone.removed".
  core::Result<PhoneChange> remove_phone(std::string_view user_id, PhoneType type,
                                         const store::AuditContext& who);

  /// The independent-channel half of a change's security notice: a message to the old
  /// number (changed or removed), or for an added phone to the user's other phone (mobile,
  /// then alternate mobile, then office); nothing when there is none. Text where the phone
  /// takes it, else a call. Audited "phone.notice_sent" (success or failure); a failure is
  /// 503 "delivery_failed" and leaves the change in place.
  core::Result<void> send_change_notice(const PhoneChange& change, const store::AuditContext& who);

  // ---- Sign-in codes --------------------------------------------------------------------

  /// Sends a sign-in code and opens its transaction (valid effective_code_lifetime()). The
  /// requester's older pending codes for this user are denied ("superseded"). Errors: 404
  /// "user_not_found"; 423 "user_blocked"; 403 "user_disabled"; 423 "locked_out"
  /// (retry_after; no code is sent while locked); 404 "phone_not_found" (field "phone");
  /// 400 "unsupported_method" (field "method": sms to the office phone); 429
  /// "too_many_codes" (retry_after); 503 "delivery_failed" (the transaction is denied with
  /// reason "delivery_failed"). The request is audited as "phone.code_requested" (result
  /// "success", or "refused" with the error's code) once the user is known.
  core::Result<NewCodeTransaction> start_sign_in(const SignInCodeRequest& request,
                                                 const PhoneSettings& settings,
                                                 const store::AuditContext& who);

  /// POST /v1/auth/transactions/{txid}/code {code}: checks a code (see CodeCheck). Errors:
  /// 404 "transaction_not_found" (unknown txid or another requester's); 409
  /// "transaction_already_answered" (approved or denied before). Audited "phone.code_verify".
  /// An approval also marks the phone verified.
  core::Result<CodeCheck> verify_sign_in(std::string_view txid, std::string_view requester_id,
                                         std::string_view code, const PhoneSettings& settings,
                                         const store::AuditContext& who);

  /// GET /v1/auth/transactions/{txid}: the transaction for its requester (404
  /// "transaction_not_found" for anyone else). A pending one past its time is marked expired
  /// first.
  core::Result<CodeTransaction> get_transaction(std::string_view txid,
                                                std::string_view requester_id);

  /// The newest pending transaction of `requester_id` for `user_id`, for the web sign-in,
  /// whose verify call names the method but not the txid.
  std::optional<std::string> latest_pending_txid(std::string_view requester_id,
                                                 std::string_view user_id);

 private:
  /// Sends `message`. On failure, in one transaction, runs `on_failure(tx)` and appends
  /// "phone.delivery_failed" with `detail` and the error, then returns the error.
  core::Result<void> deliver(const Message& message, const store::AuditContext& who,
                             const std::string& user_id, boost::json::object detail,
                             const std::function<void(store::Tx&)>& on_failure);
  /// Tells the observer about each changed transaction.
  void changed(const std::vector<std::string>& txids) const;

  store::Store& store_;
  const core::Clock& clock_;
  core::Random& random_;
  Provider& provider_;
  CodeHasher hasher_;
  std::function<void(std::string_view)> observer_;
};

}  // namespace twostep::phone
