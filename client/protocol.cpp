#include "client/protocol.hpp"

#include <boost/json.hpp>

namespace twostep::client {
namespace json = boost::json;
namespace {

core::Error invalid_frame(std::string message) {
  return core::Error{core::ErrorKind::kInvalidInput, "invalid_frame", std::move(message), {}, {}};
}

// Reads the string fields of a frame; a required one that is absent or not a string marks
// the frame invalid.
class Fields {
 public:
  explicit Fields(const json::object& object) : object_(object) {}

  std::string required(std::string_view key) {
    const auto* value = object_.if_contains(key);
    if (value == nullptr || !value->is_string() || value->as_string().empty()) {
      if (missing_.empty()) missing_ = std::string(key);
      return {};
    }
    return std::string(value->as_string());
  }
  std::string optional(std::string_view key) const {
    const auto* value = object_.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
  }
  const std::string& missing() const { return missing_; }

 private:
  const json::object& object_;
  std::string missing_;
};

PushContext context_of(const json::object& frame) {
  const auto* value = frame.if_contains("context");
  if (value == nullptr || !value->is_object()) return {};
  const Fields fields(value->as_object());
  return {fields.optional("app"), fields.optional("ip"), fields.optional("location"),
          fields.optional("browser")};
}

std::int64_t integer_or_zero(const json::object& frame, std::string_view key) {
  const auto* value = frame.if_contains(key);
  return value != nullptr && value->is_int64() ? value->as_int64() : 0;
}

std::string detail_of(const json::object& frame) {
  const auto* value = frame.if_contains("detail");
  return value != nullptr && value->is_object() ? json::serialize(*value) : "{}";
}

ServerFrame frame_of_type(const std::string& type, const json::object& object, Fields& fields) {
  if (type == "hello") return Hello{fields.required("nonce")};
  if (type == "ready") return Ready{integer_or_zero(object, "pending")};
  if (type == "push") {
    return PushRequest{fields.required("txid"), context_of(object), fields.optional("expires_at")};
  }
  if (type == "cancel") return Cancel{fields.required("txid")};
  if (type == "result") return PushResult{fields.required("txid"), fields.required("status")};
  if (type == "notice") {
    return Notice{fields.required("event_id"), fields.required("event"), detail_of(object),
                  fields.optional("time")};
  }
  if (type == "deactivated") return Deactivated{fields.required("reason")};
  if (type == "error") return ServerError{fields.optional("code"), fields.optional("message")};
  return UnknownFrame{type};
}

}  // namespace

std::string_view decision_name(Decision decision) {
  switch (decision) {
    case Decision::kApprove:
      return "approve";
    case Decision::kDeny:
      return "deny";
    case Decision::kFraud:
      return "fraud";
  }
  return "deny";
}

std::optional<Decision> parse_decision(std::string_view name) {
  if (name == "approve") return Decision::kApprove;
  if (name == "deny") return Decision::kDeny;
  if (name == "fraud") return Decision::kFraud;
  return std::nullopt;
}

std::string auth_message(std::string_view device_id, std::string_view nonce) {
  return "twostep-ws-auth:" + std::string(device_id) + ":" + std::string(nonce);
}

std::string push_message(std::string_view txid, Decision decision, std::string_view number) {
  return "twostep-push:" + std::string(txid) + ":" + std::string(decision_name(decision)) + ":" +
         std::string(number);
}

std::string not_me_message(std::string_view event_id) {
  return "twostep-not-me:" + std::string(event_id);
}

std::string auth_frame(std::string_view device_id, std::string_view signature) {
  return json::serialize(
      json::object{{"type", "auth"}, {"device_id", device_id}, {"signature", signature}});
}

std::string respond_frame(std::string_view txid, Decision decision, std::string_view number,
                          std::string_view signature) {
  return json::serialize(json::object{{"type", "respond"},
                                      {"txid", txid},
                                      {"decision", decision_name(decision)},
                                      {"number", number},
                                      {"signature", signature}});
}

std::string not_me_frame(std::string_view event_id, std::string_view signature) {
  return json::serialize(
      json::object{{"type", "not_me"}, {"event_id", event_id}, {"signature", signature}});
}

std::string remove_frame() { return R"({"type":"remove"})"; }

core::Result<ServerFrame> parse_server_frame(std::string_view text) {
  boost::system::error_code ec;
  // Frames are small and flat; a low depth limit keeps a hostile server from recursing deep.
  json::parse_options options;
  options.max_depth = 8;
  const json::value document = json::parse(text, ec, {}, options);
  if (ec || !document.is_object()) return std::unexpected(invalid_frame("not a JSON object"));
  const json::object& object = document.as_object();
  const auto* type = object.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    return std::unexpected(invalid_frame("the frame has no type"));
  }
  Fields fields(object);
  ServerFrame frame = frame_of_type(std::string(type->as_string()), object, fields);
  if (!fields.missing().empty()) {
    return std::unexpected(invalid_frame("the frame has no " + fields.missing()));
  }
  return frame;
}

}  // namespace twostep::client
