// The JSON form of a message and the delivery error; see provider.hpp.
#include "phone/provider.hpp"

namespace twostep::phone {

std::string_view to_string(Purpose purpose) {
  switch (purpose) {
    case Purpose::kVerification:
      return "verification";
    case Purpose::kSignIn:
      return "sign_in";
    case Purpose::kNotice:
      break;
  }
  return "notice";
}

boost::json::object message_json(const Message& message, core::TimePoint time) {
  boost::json::object out{{"time", core::to_rfc3339(time)},
                          {"channel", to_string(message.channel)},
                          {"to", message.to},
                          {"text", message.text},
                          {"code", message.code},
                          {"purpose", to_string(message.purpose)}};
  if (!message.extension.empty()) out["extension"] = message.extension;
  return out;
}

std::unexpected<core::Error> delivery_failed(std::string message) {
  return core::fail(core::ErrorKind::kUnavailable, "delivery_failed", std::move(message));
}

}  // namespace twostep::phone
