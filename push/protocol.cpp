// Device WebSocket frames: building the server's and parsing the device's.
#include "push/protocol.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace twostep::push {
namespace json = boost::json;

namespace {

std::string joined(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    out += p;
  }
  return out;
}

// "type" first, then the fields: the order API.md shows and people read.
std::string typed(std::string_view type, const json::object& fields) {
  json::object out;
  out.reserve(fields.size() + 1);
  out.emplace("type", type);
  for (const auto& field : fields) out.emplace(field.key(), field.value());
  return json::serialize(out);
}

// A required (or optional) string member of a device frame, bounded in size.
core::Result<std::string> string_field(const json::object& obj, std::string_view name,
                                       bool required = true) {
  const json::value* v = obj.if_contains(name);
  if (v == nullptr && !required) {
    return std::string{};
  }
  if (v == nullptr || !v->is_string() || v->get_string().size() > kMaxFrameField) {
    return core::fail_invalid(std::string(name), "missing, not a string or too long");
  }
  return std::string(v->get_string());
}

core::Result<DeviceFrame> parse_auth(const json::object& obj) {
  auto device_id = string_field(obj, "device_id");
  auto signature = string_field(obj, "signature");
  if (!device_id) return std::unexpected(device_id.error());
  if (!signature) return std::unexpected(signature.error());
  return AuthFrame{std::move(*device_id), std::move(*signature)};
}

core::Result<DeviceFrame> parse_respond(const json::object& obj) {
  auto txid = string_field(obj, "txid");
  auto decision_text = string_field(obj, "decision");
  auto number = string_field(obj, "number", false);
  auto signature = string_field(obj, "signature");
  for (const auto* r : {&txid, &decision_text, &number, &signature}) {
    if (!*r) return std::unexpected(r->error());
  }
  const auto decision = parse_decision(*decision_text);
  if (!decision) {
    return core::fail_invalid("decision", "decision must be approve, deny or fraud");
  }
  return RespondFrame{std::move(*txid), *decision, std::move(*number), std::move(*signature)};
}

core::Result<DeviceFrame> parse_not_me(const json::object& obj) {
  auto event_id = string_field(obj, "event_id");
  auto signature = string_field(obj, "signature");
  if (!event_id) return std::unexpected(event_id.error());
  if (!signature) return std::unexpected(signature.error());
  return NotMeFrame{std::move(*event_id), std::move(*signature)};
}

std::unexpected<core::Error> invalid_frame(std::string message) {
  return core::fail(core::ErrorKind::kInvalidInput, "invalid_frame", std::move(message));
}

}  // namespace

std::string ws_auth_signed_message(std::string_view device_id, std::string_view nonce) {
  return joined({"twostep-ws-auth:", device_id, ":", nonce});
}

std::string push_signed_message(std::string_view txid, Decision decision, std::string_view number) {
  return joined({"twostep-push:", txid, ":", to_string(decision), ":", number});
}

std::string not_me_signed_message(std::string_view event_id) {
  return joined({"twostep-not-me:", event_id});
}

std::string hello_frame(std::string_view nonce) { return typed("hello", {{"nonce", nonce}}); }

std::string ready_frame(std::size_t pending) {
  return typed("ready", {{"pending", static_cast<std::uint64_t>(pending)}});
}

std::string push_frame(const PushTransaction& push) {
  json::object context{{"app", push.requester.name},
                       {"ip", push.context.ip},
                       {"location", push.context.location},
                       {"browser", push.context.browser}};
  return typed("push", {{"txid", push.txid},
                        {"context", std::move(context)},
                        {"expires_at", core::to_rfc3339(push.expires_at)}});
}

std::string result_frame(std::string_view txid, PushStatus status) {
  return typed("result", {{"txid", txid}, {"status", to_string(status)}});
}

std::string cancel_frame(std::string_view txid) { return typed("cancel", {{"txid", txid}}); }

std::string notice_frame(const Notice& notice) {
  return typed("notice", {{"event_id", notice.event_id},
                          {"event", to_string(notice.event)},
                          {"detail", notice.detail},
                          {"time", core::to_rfc3339(notice.created_at)}});
}

std::string deactivated_frame(std::string_view reason) {
  return typed("deactivated", {{"reason", reason}});
}

std::string error_frame(std::string_view code, std::string_view message) {
  return typed("error", {{"code", code}, {"message", message}});
}

core::Result<DeviceFrame> parse_device_frame(std::string_view text) {
  json::parse_options options;
  options.max_depth = 4;
  boost::system::error_code ec;
  json::value root = json::parse(text, ec, {}, options);
  if (ec || !root.is_object()) {
    return invalid_frame("a frame must be one JSON object");
  }
  const json::object& obj = root.get_object();
  const json::value* type = obj.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    return invalid_frame("the frame has no type");
  }
  const std::string_view t = type->get_string();
  if (t == "auth") return parse_auth(obj);
  if (t == "respond") return parse_respond(obj);
  if (t == "not_me") return parse_not_me(obj);
  if (t == "remove") return RemoveFrame{};
  return invalid_frame("unknown frame type");
}

AnswerRequest to_answer(std::string device_id, RespondFrame frame) {
  return AnswerRequest{std::move(device_id), std::move(frame.txid), frame.decision,
                       std::move(frame.number), std::move(frame.signature)};
}

NotMeRequest to_not_me(std::string device_id, NotMeFrame frame) {
  return NotMeRequest{std::move(device_id), std::move(frame.event_id), std::move(frame.signature)};
}

}  // namespace twostep::push
