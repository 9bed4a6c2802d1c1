// otpauth:// URIs (totp/otpauth.hpp) as third-party authenticator apps produce them.
#include <algorithm>

#include "tests/fuzz/fuzz_check.hpp"
#include "totp/otpauth.hpp"
#include "totp/uri_component.hpp"

using twostep::fuzz::check;
namespace totp = twostep::totp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = twostep::fuzz::as_text(data, size);

  auto key = totp::parse_otpauth_uri(text);
  if (!key) {
    check(key.error().code == "invalid_otpauth_uri", "errors are invalid_otpauth_uri");
    return 0;
  }
  check(!key->secret.empty(), "a parsed secret is not empty");
  check(totp::is_valid_utf8(key->issuer) && totp::is_valid_utf8(key->account),
        "parsed names are UTF-8");
  // What we parse, we can hand on: our own URI for the same key parses to the same key.
  const std::string uri =
      totp::build_otpauth_uri(key->issuer, key->account, key->secret.view(), key->params);
  auto again = totp::parse_otpauth_uri(uri);
  check(again.has_value(), "build(parse(s)) parses");
  check(again->issuer == key->issuer && again->account == key->account,
        "the names survive the round trip");
  check(std::ranges::equal(again->secret.view(), key->secret.view()),
        "the secret survives the round trip");
  check(again->params == key->params, "the parameters survive the round trip");
  check(totp::percent_decode(totp::percent_encode(key->account)) == key->account,
        "percent_decode(percent_encode(x)) == x");
  return 0;
}
