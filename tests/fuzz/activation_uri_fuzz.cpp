// The activation URI (activation/activation_uri.hpp) that the companion app scans.
#include "activation/activation_uri.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "totp/uri_component.hpp"

using twostep::fuzz::check;
namespace activation = twostep::activation;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = twostep::fuzz::as_text(data, size);

  // Whatever parses, re-built, parses to the same value; errors carry their code.
  if (auto uri = activation::parse_activation_uri(text)) {
    check(!uri->code.empty(), "a parsed code is not empty");
    check(uri->url.starts_with("https://") || uri->url.starts_with("http://"),
          "a parsed url is http(s)");
    auto again =
        activation::parse_activation_uri(activation::build_activation_uri(uri->code, uri->url));
    check(again && again->code == uri->code && again->url == uri->url,
          "parse(build(parse(s))) == parse(s)");
  } else {
    check(uri.error().code == "invalid_activation_uri", "errors are invalid_activation_uri");
  }

  // Any code and https URL, built, parse back unchanged (the escapes must carry UTF-8).
  const auto parts = twostep::fuzz::fields(text, '\n', 2);
  const std::string url = "https://" + std::string(parts[1]);
  auto built = activation::parse_activation_uri(activation::build_activation_uri(parts[0], url));
  const bool expected = !parts[0].empty() && twostep::totp::is_valid_utf8(parts[0]) &&
                        twostep::totp::is_valid_utf8(url);
  check(built.has_value() == expected, "build() output parses exactly when its values can");
  if (built) check(built->code == parts[0] && built->url == url, "parse(build(c, u)) == (c, u)");
  return 0;
}
