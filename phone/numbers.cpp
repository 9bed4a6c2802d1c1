// Phone number parsing and formatting on libphonenumber; see numbers.hpp.
#include "phone/numbers.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <set>

namespace twostep::phone {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& util() { return *PhoneNumberUtil::GetInstance(); }

// ITU-T E.164: at most 15 digits, country code included.
constexpr std::size_t kMaxE164Digits = 15;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// libphonenumber reads letters as keypad digits ("1-800-FLOWERS"), so a typo such as
// "+31 6 1234abcd" would become another person's number. Letters are therefore allowed only
// as an extension marker ("x", "ext", "ext.", "extension", ";ext=", "#") followed by digits.
bool only_number_characters(std::string_view input) {
  const std::size_t marker =
      input.find_first_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ;#");
  const std::string_view main = input.substr(0, std::min(marker, input.size()));
  const bool main_ok = std::all_of(main.begin(), main.end(), [](char c) {
    return is_digit(c) || std::string_view(" \t+-.()/").find(c) != std::string_view::npos;
  });
  if (!main_ok) return false;
  if (marker == std::string_view::npos) return true;
  std::string rest;
  for (char c : input.substr(marker)) rest.push_back(lower(c));
  static constexpr std::array<std::string_view, 6> kMarkers = {";ext=", "extension", "ext.",
                                                               "ext",   "x",         "#"};
  for (std::string_view m : kMarkers) {
    if (!std::string_view(rest).starts_with(m)) continue;
    const std::string_view digits = trim(std::string_view(rest).substr(m.size()));
    return !digits.empty() && std::all_of(digits.begin(), digits.end(), is_digit);
  }
  return false;
}

NumberKind to_kind(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::MOBILE:
      return NumberKind::kMobile;
    case PhoneNumberUtil::FIXED_LINE:
      return NumberKind::kFixedLine;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return NumberKind::kFixedOrMobile;
    case PhoneNumberUtil::VOIP:
      return NumberKind::kVoip;
    case PhoneNumberUtil::PERSONAL_NUMBER:
      return NumberKind::kPersonal;
    case PhoneNumberUtil::TOLL_FREE:
      return NumberKind::kTollFree;
    case PhoneNumberUtil::PREMIUM_RATE:
      return NumberKind::kPremium;
    default:
      return NumberKind::kOther;
  }
}

std::unexpected<core::Error> invalid(std::string_view field, std::string message) {
  return core::fail(core::ErrorKind::kInvalidInput, "invalid_phone_number", std::move(message),
                    std::string(field));
}

}  // namespace

std::string_view to_string(NumberKind kind) {
  switch (kind) {
    case NumberKind::kMobile:
      return "mobile";
    case NumberKind::kFixedLine:
      return "fixed_line";
    case NumberKind::kFixedOrMobile:
      return "fixed_line_or_mobile";
    case NumberKind::kVoip:
      return "voip";
    case NumberKind::kPersonal:
      return "personal";
    case NumberKind::kTollFree:
      return "toll_free";
    case NumberKind::kPremium:
      return "premium_rate";
    case NumberKind::kOther:
      break;
  }
  return "other";
}

bool ParsedNumber::can_receive_sms() const {
  return kind == NumberKind::kMobile || kind == NumberKind::kFixedOrMobile ||
         kind == NumberKind::kVoip || kind == NumberKind::kPersonal;
}

bool ParsedNumber::acceptable() const {
  return can_receive_sms() || kind == NumberKind::kFixedLine;
}

bool is_supported_region(std::string_view region) {
  static const std::set<std::string> regions = [] {
    std::set<std::string> out;
    util().GetSupportedRegions(&out);
    return out;
  }();
  return regions.contains(std::string(region));
}

core::Result<ParsedNumber> parse_number(std::string_view input, std::string_view default_region,
                                        std::string_view field) {
  const std::string_view text = trim(input);
  if (text.empty()) return invalid(field, "enter a phone number, e.g. +31 6 12345678");
  if (text.size() > kMaxNumberInput || !only_number_characters(text)) {
    return invalid(field, "a phone number has digits, spaces and + - ( ) only");
  }
  PhoneNumber number;
  const auto parsed = util().Parse(std::string(text), std::string(default_region), &number);
  if (parsed == PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR) {
    return invalid(field, "start the number with + and its country code, e.g. +44");
  }
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR || !util().IsValidNumber(number)) {
    return invalid(field, "this is not a valid phone number; check the digits and the country");
  }
  if (number.extension().size() > kMaxExtensionDigits) {
    return invalid(field, "the extension is too long");
  }
  ParsedNumber out;
  util().Format(number, PhoneNumberUtil::E164, &out.e164);
  // libphonenumber calls some German fixed-line numbers of 16 and 17 digits valid
  // ("+49 30 1234567890123"); E.164, and so the SMS gateways, stop at 15.
  if (out.e164.size() > 1 + kMaxE164Digits) {
    return invalid(field, "this is not a valid phone number; it has too many digits");
  }
  out.extension = number.extension();
  util().GetRegionCodeForNumber(number, &out.region);
  out.kind = to_kind(util().GetNumberType(number));
  return out;
}

std::string format_international(std::string_view e164, std::string_view extension) {
  PhoneNumber number;
  if (util().Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::string(e164);
  }
  std::string out;
  util().Format(number, PhoneNumberUtil::INTERNATIONAL, &out);
  // libphonenumber would write some regions' extensions as " x1234", which it reads back only
  // up to 9 digits (found by tests/fuzz/phone_fuzz.cpp); " ext. " reads back at every length
  // parse_number accepts, so a displayed number can be typed in again.
  if (!extension.empty()) out += " ext. " + std::string(extension);
  return out;
}

std::string mask_number(std::string_view e164, std::size_t visible) {
  PhoneNumber number;
  std::string prefix = "+";
  std::string national(e164.substr(std::min<std::size_t>(1, e164.size())));
  if (util().Parse(std::string(e164), "ZZ", &number) == PhoneNumberUtil::NO_PARSING_ERROR) {
    prefix += std::to_string(number.country_code());
    national.clear();
    util().GetNationalSignificantNumber(number, &national);
  }
  const std::size_t shown = std::min(visible, national.size());
  return prefix + std::string(national.size() - shown, '*') +
         national.substr(national.size() - shown);
}

}  // namespace twostep::phone
