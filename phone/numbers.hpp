// Phone numbers as people type them, turned into E.164 with libphonenumber: parsing with a
// default region for numbers written without "+", validation, the kind of line (mobile,
// fixed, VoIP…) that decides whether a number can take text messages, office extensions,
// and the display and masked forms. The libphonenumber headers stay inside numbers.cpp.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace twostep::phone {

/// What libphonenumber says the line is. US and Canadian numbers are kFixedOrMobile: their
/// numbering plan does not tell the two apart.
enum class NumberKind {
  kMobile,
  kFixedLine,
  kFixedOrMobile,
  kVoip,
  kPersonal,  // a follow-me number routed to the person's current line
  kTollFree,  // refused for methods: a code would reach a call centre
  kPremium,   // refused: codes to premium-rate numbers are toll fraud
  kOther,     // shared cost, UAN, pager, voicemail, unknown: refused
};
std::string_view to_string(NumberKind kind);

/// A validated number.
struct ParsedNumber {
  std::string e164;       // "+31612345678"
  std::string extension;  // digits only, "" when none ("x123", "ext. 123", ";ext=123")
  std::string region;     // ISO 3166-1 alpha-2 of the number, e.g. "NL"; "001" for non-geographic
  NumberKind kind = NumberKind::kOther;

  /// True for kinds a text message can reach (mobile, fixed-or-mobile, VoIP, personal).
  bool can_receive_sms() const;
  /// True for kinds that may be stored as a phone method at all.
  bool acceptable() const;
};

/// The longest input accepted (libphonenumber caps at 250 too; this keeps errors cheap).
inline constexpr std::size_t kMaxNumberInput = 64;
/// The longest extension accepted.
inline constexpr std::size_t kMaxExtensionDigits = 10;

/// True when `region` is a region libphonenumber knows ("US", "NL", …; upper case).
bool is_supported_region(std::string_view region);

/// Parses `input` ("+31 6 12345678", "(201) 555-0123", "+1 425 555 0100 x123"); numbers
/// without a leading "+" (or an international prefix such as "00") are read in
/// `default_region`. Errors: 400 "invalid_phone_number" with field `field` when the input
/// is empty, too long, not a number, not a valid number of its region, or has an extension
/// longer than kMaxExtensionDigits. The kind is not judged here: see ParsedNumber::acceptable.
core::Result<ParsedNumber> parse_number(std::string_view input, std::string_view default_region,
                                        std::string_view field = "number");

/// International format for display: "+31 6 12345678", "+1 425-555-0100 ext. 123". Falls
/// back to the E.164 string when `e164` does not parse (a row written by another version).
std::string format_international(std::string_view e164, std::string_view extension = {});

/// The number with all but its country code and last `visible` digits hidden, for audit rows
/// and notices that should not spell out the whole number: "+31*******78".
std::string mask_number(std::string_view e164, std::size_t visible = 2);

}  // namespace twostep::phone
