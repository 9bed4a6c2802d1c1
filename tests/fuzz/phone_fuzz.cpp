// Phone numbers as people type them (phone/numbers.hpp, libphonenumber underneath): what
// parses is a valid E.164 number that reads back the same from every form we print.
#include <algorithm>
#include <array>

#include "phone/numbers.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using twostep::fuzz::check;
namespace phone = twostep::phone;

namespace {

constexpr std::array<std::string_view, 8> kRegions{"US", "NL", "GB", "DE", "IN", "BR", "JP", "ZZ"};

bool is_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The same number read back from one of our own renderings.
void check_reads_back(const phone::ParsedNumber& number, const std::string& text,
                      const char* property) {
  auto again = phone::parse_number(text, "ZZ");
  check(again && again->e164 == number.e164 && again->extension == number.extension &&
            again->region == number.region && again->kind == number.kind,
        property);
}

}  // namespace

// Input: one byte choosing the default region, then what the person typed.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view region = kRegions[data[0] % kRegions.size()];
  auto number = phone::parse_number(twostep::fuzz::as_text(data + 1, size - 1), region, "phone");
  if (!number) {
    check(number.error().code == "invalid_phone_number" && number.error().field == "phone",
          "a refused number is invalid_phone_number for its field");
    return 0;
  }
  const std::string& e164 = number->e164;
  check(e164.size() >= 3 && e164.size() <= 16 && e164[0] == '+' && is_digits(e164.substr(1)),
        "e164 is + and at most 15 digits");
  check(number->extension.size() <= phone::kMaxExtensionDigits && is_digits(number->extension),
        "an extension is at most 10 digits");
  check(number->region == "001" || phone::is_supported_region(number->region),
        "the region is a known region or 001");

  const std::string extension = number->extension.empty() ? "" : " ext. " + number->extension;
  check_reads_back(*number, e164 + extension, "parse(e164) == parse(input)");
  check_reads_back(*number, phone::format_international(e164, number->extension),
                   "parse(format_international(n)) == n");

  const std::string masked = phone::mask_number(e164);
  check(masked.size() == e164.size() && masked.starts_with('+') &&
            masked.substr(masked.size() - 2) == e164.substr(e164.size() - 2),
        "the masked number keeps its length, country code and last two digits");
  return 0;
}
