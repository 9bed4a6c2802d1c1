#include "activation/activation_uri.hpp"

#include <optional>

#include "totp/uri_component.hpp"

namespace twostep::activation {
namespace {

constexpr std::string_view kPrefix = "twostep://activate?";

std::unexpected<core::Error> bad_uri(std::string message) {
  return core::fail(core::ErrorKind::kInvalidInput, "invalid_activation_uri", std::move(message));
}

// Sets `slot` from one "name=value" pair; false when it was set before or does not decode.
bool take(std::optional<std::string>& slot, std::string_view encoded) {
  if (slot) return false;
  slot = totp::percent_decode(encoded);
  return slot.has_value();
}

}  // namespace

std::string build_activation_uri(std::string_view code, std::string_view activate_url) {
  return std::string(kPrefix) + "code=" + totp::percent_encode(code) +
         "&url=" + totp::percent_encode(activate_url);
}

core::Result<ActivationUri> parse_activation_uri(std::string_view uri) {
  if (!uri.starts_with(kPrefix)) return bad_uri("not a twostep activation URI");
  std::string_view query = uri.substr(kPrefix.size());
  std::optional<std::string> code;
  std::optional<std::string> url;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (name == "code" && !take(code, value)) return bad_uri("bad or repeated code");
    if (name == "url" && !take(url, value)) return bad_uri("bad or repeated url");
  }
  if (!code || code->empty()) return bad_uri("missing code");
  if (!url || !(url->starts_with("https://") || url->starts_with("http://"))) {
    return bad_uri("missing or non-HTTP url");
  }
  return ActivationUri{std::move(*code), std::move(*url)};
}

}  // namespace twostep::activation
