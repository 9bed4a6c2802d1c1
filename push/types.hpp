// The vocabulary of push approvals and security notices: transaction states, device
// decisions, the context an application attaches, the organisation's limits, and the values
// that the push service hands back. Plain data only; the rules live in push_service.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "totp/rules.hpp"

namespace twostep::push {

/// Every push transaction id starts with this prefix, so the status endpoint shared with
/// SMS transactions (`GET /v1/auth/transactions/{txid}`) can route by it.
inline constexpr std::string_view kTxidPrefix = "ptx";
/// Prefix of security notice ids (`event_id` on the wire).
inline constexpr std::string_view kNoticeIdPrefix = "evt";

/// A push transaction's state. Only `kPending` changes, and only once.
enum class PushStatus { kPending, kApproved, kDenied, kFraud, kExpired };
std::string_view to_string(PushStatus status);
std::optional<PushStatus> parse_push_status(std::string_view text);

/// What the device answered.
enum class Decision { kApprove, kDeny, kFraud };
std::string_view to_string(Decision decision);
std::optional<Decision> parse_decision(std::string_view text);

/// Reasons recorded on a decided transaction (the `reason` of the status read).
namespace reason {
inline constexpr std::string_view kNumberMismatch = "number_mismatch";
inline constexpr std::string_view kUserDenied = "user_denied";
inline constexpr std::string_view kFraudReported = "fraud_reported";
inline constexpr std::string_view kUserBlocked = "user_blocked";
inline constexpr std::string_view kUserDisabled = "user_disabled";
inline constexpr std::string_view kLockedOut = "locked_out";
inline constexpr std::string_view kNoActiveDevice = "no_active_device";
inline constexpr std::string_view kTimeout = "timeout";
}  // namespace reason

/// Who asked for the push: an application (id and name from its key) or the web sign-in
/// (e.g. id "session:<session id>", name of the organisation's portal). Only the same
/// requester id may read the transaction back.
struct Requester {
  std::string id;
  std::string name;  // shown to the user as context.app
};

/// Where the sign-in attempt comes from, as the application reports it. Every field is
/// optional ("" when unknown) and at most kMaxContextField bytes.
struct PushContext {
  static constexpr std::size_t kMaxContextField = 256;
  std::string ip;
  std::string location;
  std::string browser;
};

/// The organisation's push settings, read by the caller from the settings table.
struct PushSettings {
  std::chrono::seconds timeout{60};  // push_timeout_seconds
  int max_outstanding = 3;           // push_max_outstanding: pending pushes per user
  int max_per_minute = 5;            // push_max_per_minute: new pushes per user per minute
  totp::LockoutPolicy lockout;       // lockout_threshold, lockout_minutes
};

/// A request to push a sign-in approval to a user's devices.
struct PushRequest {
  std::string user_id;
  Requester requester;
  PushContext context;
  bool remember = false;  // the application asked for a remember token on approval
};

/// What the requester gets back: the number to show, never sent to the devices.
struct NewPush {
  std::string txid;
  std::string number;  // two digits, "10"–"99"
  core::TimePoint expires_at;
};

/// A stored push transaction. The number is not part of it: only the requester, who got it
/// from create_push, ever needs it.
struct PushTransaction {
  std::string txid;
  std::string user_id;
  Requester requester;
  PushContext context;
  PushStatus status = PushStatus::kPending;
  std::string reason;     // "" while pending or when approved
  std::string device_id;  // the device that answered, "" otherwise
  bool remember = false;
  core::TimePoint created_at;
  core::TimePoint expires_at;
  std::optional<core::TimePoint> answered_at;
};

/// A signed answer from a device (the `respond` frame).
struct AnswerRequest {
  std::string device_id;  // the authenticated device of the WebSocket session
  std::string txid;
  Decision decision = Decision::kDeny;
  std::string number;            // "" for deny and fraud
  std::string signature_b64url;  // over push_signed_message(...)
};

/// The decision as recorded; the session sends it back as a `result` frame.
struct AnswerOutcome {
  std::string txid;
  std::string user_id;
  PushStatus status = PushStatus::kDenied;
  std::string reason;
  bool locked_out = false;  // this answer's failure locked the user
};

/// A device that proved its key on the WebSocket.
struct DeviceIdentity {
  std::string device_id;
  std::string user_id;
};

/// Security events announced to a user's other devices.
enum class NoticeEvent { kDeviceAdded, kDeviceRemoved, kPhoneChanged, kAppPasswordCreated };
std::string_view to_string(NoticeEvent event);
std::optional<NoticeEvent> parse_notice_event(std::string_view text);

/// One notice addressed to one device.
struct Notice {
  std::string event_id;
  std::string user_id;
  std::string device_id;  // recipient
  NoticeEvent event = NoticeEvent::kDeviceAdded;
  boost::json::object detail;     // never a secret
  std::string subject_device_id;  // the added/removed device, "" when none
  core::TimePoint created_at;
};

/// A security event to announce to every active device of the user except
/// `exclude_device_id` (the one that caused it, if any) and the subject device itself.
struct NoticeRequest {
  std::string user_id;
  NoticeEvent event = NoticeEvent::kDeviceAdded;
  boost::json::object detail;
  std::string subject_device_id;
  std::string exclude_device_id;
};

/// A signed "this wasn't me" answer to a device_added notice (the `not_me` frame).
struct NotMeRequest {
  std::string device_id;  // the authenticated device of the WebSocket session
  std::string event_id;
  std::string signature_b64url;  // over not_me_signed_message(event_id)
};

/// What a "not me" did: the subject device was deactivated (reason `disowned`) and the user
/// blocked.
struct NotMeOutcome {
  std::string user_id;
  std::string subject_device_id;
};

}  // namespace twostep::push
