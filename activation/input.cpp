#include "activation/input.hpp"

#include <algorithm>
#include <string>

#include "totp/uri_component.hpp"

namespace twostep::activation {

core::Result<void> check_label(std::string_view text, std::string_view field,
                               std::size_t max_bytes) {
  const std::string name(field);
  if (text.empty() || text.size() > max_bytes) {
    return core::fail_invalid(
        name, name + " must be 1 to " + std::to_string(max_bytes) + " bytes of UTF-8 text");
  }
  if (!totp::is_valid_utf8(text)) return core::fail_invalid(name, name + " is not valid UTF-8");
  const bool control = std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
  if (control) return core::fail_invalid(name, name + " contains control characters");
  if (text.find_first_not_of(' ') == std::string_view::npos) {
    return core::fail_invalid(name, name + " must not be blank");
  }
  return {};
}

}  // namespace twostep::activation
