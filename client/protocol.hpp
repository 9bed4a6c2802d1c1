// The device side of the WebSocket protocol in API.md ("Device WebSocket"): the messages a
// device signs, the frames it sends, and the frames it understands from the server. Pure
// functions (no I/O), so the protocol is testable and fuzzable without a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/error.hpp"

namespace twostep::client {

/// How a device answers a push request.
enum class Decision { kApprove, kDeny, kFraud };

/// "approve", "deny" or "fraud".
std::string_view decision_name(Decision decision);
std::optional<Decision> parse_decision(std::string_view name);

// What the device signs (UTF-8 bytes; ECDSA P-256 over SHA-256).
std::string auth_message(std::string_view device_id, std::string_view nonce);
/// `number` is "" for deny and fraud.
std::string push_message(std::string_view txid, Decision decision, std::string_view number);
std::string not_me_message(std::string_view event_id);

// Frames the device sends; `signature` is base64url of the DER signature of the message above.
std::string auth_frame(std::string_view device_id, std::string_view signature);
std::string respond_frame(std::string_view txid, Decision decision, std::string_view number,
                          std::string_view signature);
std::string not_me_frame(std::string_view event_id, std::string_view signature);
std::string remove_frame();

// Frames the server sends.
struct Hello {
  std::string nonce;
};
struct Ready {
  std::int64_t pending = 0;
};
struct PushContext {
  std::string app;
  std::string ip;
  std::string location;
  std::string browser;
};
/// A sign-in request. The number is deliberately not in it: the person types it from the
/// sign-in screen.
struct PushRequest {
  std::string txid;
  PushContext context;
  std::string expires_at;  // RFC 3339
};
struct Cancel {
  std::string txid;
};
struct PushResult {
  std::string txid;
  std::string status;  // "approved" | "denied" | "fraud" | "expired"
};
/// A security notification, e.g. event "device_added"; answer that one with not_me if the
/// person did not add the device.
struct Notice {
  std::string event_id;
  std::string event;
  std::string detail_json;  // the `detail` object, as JSON text ("{}" when absent)
  std::string time;
};
struct Deactivated {
  std::string reason;
};
struct ServerError {
  std::string code;
  std::string message;
};
/// A frame type this client does not know; ignored, as API.md allows additions.
struct UnknownFrame {
  std::string type;
};

using ServerFrame = std::variant<Hello, Ready, PushRequest, Cancel, PushResult, Notice, Deactivated,
                                 ServerError, UnknownFrame>;

/// Parses one text frame. Error "invalid_frame" (kInvalidInput) when it is not a JSON object
/// with a string `type`, or a known type lacks a required field (hello: nonce; push, cancel,
/// result: txid; result: status; notice: event_id and event; deactivated: reason).
core::Result<ServerFrame> parse_server_frame(std::string_view text);

}  // namespace twostep::client
