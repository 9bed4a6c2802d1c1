#include "client/activation_uri.hpp"

#include <cctype>
#include <optional>

#include "totp/uri_component.hpp"

namespace twostep::client {
namespace {

constexpr std::string_view kPrefix = "twostep://activate?";

core::Error invalid(std::string message) {
  return core::Error{
      core::ErrorKind::kInvalidInput, "invalid_activation_uri", std::move(message), "uri", {}};
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// Stores the decoded value of one known parameter; false when it repeats, is empty or has a
// malformed escape.
bool take(std::optional<std::string>& slot, std::string_view encoded) {
  if (slot) return false;
  auto decoded = totp::percent_decode(encoded);
  if (!decoded || decoded->empty()) return false;
  slot = std::move(*decoded);
  return true;
}

}  // namespace

core::Result<ActivationUri> parse_activation_uri(std::string_view uri) {
  // Scheme and host are case-insensitive (RFC 3986); the query is not.
  if (!starts_with_ignoring_case(uri, kPrefix)) {
    return std::unexpected(invalid("not a twostep://activate URI"));
  }
  std::string_view query = uri.substr(kPrefix.size());
  if (query.find('#') != std::string_view::npos) {
    return std::unexpected(invalid("the activation URI must not carry a fragment"));
  }
  std::optional<std::string> code;
  std::optional<std::string> url;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (name == "code" && !take(code, value)) {
      return std::unexpected(invalid("the activation code is empty, repeated or malformed"));
    }
    if (name == "url" && !take(url, value)) {
      return std::unexpected(invalid("the activation URL is empty, repeated or malformed"));
    }
  }
  if (!code) return std::unexpected(invalid("the activation URI has no code"));
  if (!url) return std::unexpected(invalid("the activation URI has no url"));
  auto parsed = parse_url(*url);
  if (!parsed || parsed->scheme != "https") {
    return std::unexpected(invalid("the activation url is not an absolute https URL"));
  }
  return ActivationUri{std::move(*code), std::move(*parsed)};
}

}  // namespace twostep::client
