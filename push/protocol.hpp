// The device WebSocket protocol of API.md, without any networking: the exact strings a
// device signs, the JSON frames the server sends, and a strict parser for the frames a
// device sends. The WebSocket session in server/ moves these strings; keeping them here
// lets the protocol be unit-tested and fuzzed without sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/error.hpp"
#include "push/types.hpp"

namespace twostep::push {

/// "twostep-ws-auth:" + device_id + ":" + nonce — signed in the `auth` frame.
std::string ws_auth_signed_message(std::string_view device_id, std::string_view nonce);
/// "twostep-push:" + txid + ":" + decision + ":" + number — signed in the `respond` frame.
std::string push_signed_message(std::string_view txid, Decision decision, std::string_view number);
/// "twostep-not-me:" + event_id — signed in the `not_me` frame.
std::string not_me_signed_message(std::string_view event_id);

// Server → device frames, serialised JSON objects exactly as API.md shows them.

/// {"type":"hello","nonce":…}
std::string hello_frame(std::string_view nonce);
/// {"type":"ready","pending":N}
std::string ready_frame(std::size_t pending);
/// {"type":"push","txid","context":{"app","ip","location","browser"},"expires_at"} — all four
/// context keys are always present ("" when unknown); the number is never in it.
std::string push_frame(const PushTransaction& push);
/// {"type":"result","txid","status"}
std::string result_frame(std::string_view txid, PushStatus status);
/// {"type":"cancel","txid"}
std::string cancel_frame(std::string_view txid);
/// {"type":"notice","event_id","event","detail","time"}
std::string notice_frame(const Notice& notice);
/// {"type":"deactivated","reason"}
std::string deactivated_frame(std::string_view reason);
/// {"type":"error","code","message"}
std::string error_frame(std::string_view code, std::string_view message);

// Device → server frames.

/// {"type":"auth","device_id","signature"}
struct AuthFrame {
  std::string device_id;
  std::string signature;
};
/// {"type":"respond","txid","decision","number","signature"}; `number` may be absent for
/// deny and fraud (read as "").
struct RespondFrame {
  std::string txid;
  Decision decision = Decision::kDeny;
  std::string number;
  std::string signature;
};
/// {"type":"not_me","event_id","signature"}
struct NotMeFrame {
  std::string event_id;
  std::string signature;
};
/// {"type":"remove"}
struct RemoveFrame {};

using DeviceFrame = std::variant<AuthFrame, RespondFrame, NotMeFrame, RemoveFrame>;

/// Longest accepted string field in a device frame. Ids are ~20 characters and a DER P-256
/// signature is at most 72 bytes (96 in base64url); anything longer is not ours.
inline constexpr std::size_t kMaxFrameField = 256;

/// Parses one text frame. Errors (all kInvalidInput): "invalid_frame" for malformed JSON, a
/// non-object, nesting deeper than 4 or an unknown `type`; "invalid_<field>" for a missing,
/// non-string or oversize field, or a `decision` outside approve|deny|fraud. Unknown extra
/// fields are ignored (API.md: fields may be added).
core::Result<DeviceFrame> parse_device_frame(std::string_view text);

/// Convenience for the session: the AnswerRequest of a respond frame from `device_id`.
AnswerRequest to_answer(std::string device_id, RespondFrame frame);
/// Convenience for the session: the NotMeRequest of a not_me frame from `device_id`.
NotMeRequest to_not_me(std::string device_id, NotMeFrame frame);

}  // namespace twostep::push
