// Names, rules of thumb and JSON shapes of the phone vocabulary; see types.hpp.
#include "phone/types.hpp"

#include <algorithm>

#include <boost/json/array.hpp>

#include "phone/numbers.hpp"

namespace twostep::phone {

std::string_view to_string(PhoneType type) {
  switch (type) {
    case PhoneType::kMobile:
      return "mobile";
    case PhoneType::kAlternateMobile:
      return "alternate_mobile";
    case PhoneType::kOffice:
      break;
  }
  return "office";
}

std::optional<PhoneType> parse_phone_type(std::string_view text) {
  for (PhoneType t : {PhoneType::kMobile, PhoneType::kAlternateMobile, PhoneType::kOffice}) {
    if (to_string(t) == text) return t;
  }
  return std::nullopt;
}

std::string_view to_string(Channel channel) { return channel == Channel::kSms ? "sms" : "voice"; }

std::optional<Channel> parse_channel(std::string_view text) {
  if (text == "sms") return Channel::kSms;
  if (text == "voice") return Channel::kVoice;
  return std::nullopt;
}

bool supports(PhoneType type, Channel channel) {
  return channel == Channel::kVoice || type != PhoneType::kOffice;
}

Channel default_channel(PhoneType type) {
  return supports(type, Channel::kSms) ? Channel::kSms : Channel::kVoice;
}

std::optional<PhoneType> phone_for_preferred_method(std::string_view preferred_method) {
  if (preferred_method == "sms" || preferred_method == "voice") return PhoneType::kMobile;
  return std::nullopt;
}

std::chrono::seconds PhoneSettings::effective_code_lifetime() const {
  return std::clamp(code_lifetime, std::chrono::seconds(60), kMaxCodeLifetime);
}

boost::json::object phone_to_json(const Phone& phone) {
  boost::json::array methods;
  for (Channel c : {Channel::kSms, Channel::kVoice}) {
    if (supports(phone.type, c)) methods.emplace_back(to_string(c));
  }
  boost::json::object out{{"type", to_string(phone.type)},
                          {"number", phone.e164},
                          {"display", format_international(phone.e164, phone.extension)},
                          {"methods", std::move(methods)},
                          {"verified", phone.verified_at.has_value()},
                          {"created_at", core::to_rfc3339(phone.created_at)},
                          {"updated_at", core::to_rfc3339(phone.updated_at)}};
  if (!phone.extension.empty()) out["extension"] = phone.extension;
  if (phone.verified_at) out["verified_at"] = core::to_rfc3339(*phone.verified_at);
  return out;
}

std::string_view to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kChanged:
      return "changed";
    case ChangeKind::kRemoved:
      break;
  }
  return "removed";
}

boost::json::object notice_detail(const PhoneChange& change) {
  const std::string& number =
      change.kind == ChangeKind::kRemoved ? change.old_e164 : change.new_e164;
  return {{"phone", to_string(change.type)},
          {"change", to_string(change.kind)},
          {"number", mask_number(number)},
          {"verified", change.verified}};
}

}  // namespace twostep::phone
