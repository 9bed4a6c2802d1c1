// Request bodies through the JSON helpers every handler uses (server/json_io.hpp): the
// Content-Type check, parse_json_object, reject_unknown_fields and the typed field readers,
// with the field names and bounds of the real request schemas (API.md).
#include <algorithm>
#include <array>
#include <cmath>

#include <boost/json/serialize.hpp>

#include "server/json_io.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "totp/uri_component.hpp"

using twostep::fuzz::check;
namespace json = boost::json;
namespace server = twostep::server;

namespace {

constexpr std::array<std::string_view, 5> kContentTypes{
    "application/json", "application/json; charset=utf-8", "Application/JSON;charset=\"UTF-8\"",
    "text/plain", "application/json; charset=latin1"};

// Equal JSON, except that numbers that are not integers may differ in their last bit: Boost
// 1.81 parses them imprecisely (so serialise-then-parse is not exact), and no request field
// is ever read as a fraction.
bool equivalent(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double();
    const double y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.is_array() && b.is_array()) {
    return std::ranges::equal(a.get_array(), b.get_array(), equivalent);
  }
  if (a.is_object() && b.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    return x.size() == y.size() && std::ranges::all_of(x, [&](const auto& entry) {
             const json::value* other = y.if_contains(entry.key());
             return other != nullptr && equivalent(entry.value(), *other);
           });
  }
  return a == b;
}

// Boost 1.81 reads an overlong exponent as infinity but writes infinity as `Infinity`,
// which no JSON parser reads: such a body has no serialised form to compare.
bool all_finite(const json::value& v) {
  if (v.is_double()) return std::isfinite(v.get_double());
  if (v.is_array()) return std::ranges::all_of(v.get_array(), all_finite);
  if (v.is_object()) {
    return std::ranges::all_of(v.get_object(), [](const auto& e) { return all_finite(e.value()); });
  }
  return true;
}

// The contract of every string reader's success: UTF-8, within bounds, no control
// characters, and the body's value unchanged.
void check_string(const json::object& body, std::string_view field, const std::string& s,
                  std::size_t min_chars, std::size_t max_chars) {
  check(twostep::totp::is_valid_utf8(s), "a string read is valid UTF-8");
  // Code points are the bytes that do not continue a UTF-8 sequence.
  const auto n = static_cast<std::size_t>(
      std::ranges::count_if(s, [](unsigned char c) { return (c & 0xC0) != 0x80; }));
  check(n >= min_chars && n <= max_chars, "a string read is within its length bounds");
  check(std::ranges::none_of(s, [](unsigned char c) { return c < 0x20 || c == 0x7F; }),
        "a string read has no control characters");
  check(body.at(field).as_string() == s, "a string read is the body's value");
}

// A failed reader names its field (API.md: 400 "invalid_<field>").
template <typename T>
void check_error(const twostep::core::Result<T>& result, std::string_view field) {
  if (result) return;
  check(result.error().kind == twostep::core::ErrorKind::kInvalidInput &&
            result.error().code == "invalid_" + std::string(field) && result.error().field == field,
        "a reader's error is invalid_<field> with its field");
}

void read_fields(const json::object& body) {
  // A schema like the admin's user bodies, {username, display_name?, status?}, strict about
  // unknown fields; then every other reader on fields of their own.
  const auto unknown = server::reject_unknown_fields(body, {"username", "display_name", "status"});
  bool all_known = true;
  for (const auto& entry : body) {
    all_known = all_known && (entry.key() == "username" || entry.key() == "display_name" ||
                              entry.key() == "status");
  }
  check(unknown.has_value() == all_known, "reject_unknown_fields refuses exactly the others");
  if (!unknown) check(unknown.error().code == "unknown_field", "unknown fields are unknown_field");

  auto username = server::required_string(body, "username", 1, 64);
  check_error(username, "username");
  if (username) check_string(body, "username", *username, 1, 64);
  auto display = server::optional_string(body, "display_name", 0, 128);
  check_error(display, "display_name");
  if (display && *display) check_string(body, "display_name", **display, 0, 128);

  auto status = server::optional_enum(body, "status", {"active", "disabled"});
  check_error(status, "status");
  if (status && *status) check(**status == "active" || **status == "disabled", "enum in its set");

  auto limit = server::required_int(body, "limit", 1, 200);
  check_error(limit, "limit");
  if (limit) {
    check(*limit >= 1 && *limit <= 200, "an int read is within its bounds");
    check(body.at("limit").is_int64() || body.at("limit").is_uint64(), "ints only, never 1.0");
  }
  auto flag = server::optional_bool(body, "remember");
  check_error(flag, "remember");
  if (flag && *flag) check(body.at("remember").as_bool() == **flag, "a bool read is the value");
  auto required = server::required_bool(body, "approve");
  check_error(required, "approve");

  auto context = server::optional_object(body, "context");
  check_error(context, "context");
  if (context && *context) read_fields(**context);
}

}  // namespace

// Input: one byte choosing the Content-Type, then the body.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  server::HttpRequest request;
  const std::string_view content_type = kContentTypes[data[0] % kContentTypes.size()];
  request.headers.emplace_back("content-type", content_type);
  request.body.assign(twostep::fuzz::as_text(data + 1, size - 1));

  auto body = server::parse_json_object(request);
  if (!body) {
    const auto& code = body.error().code;
    check(code == "invalid_json" || code == "unsupported_media_type",
          "a refused body is invalid_json or unsupported_media_type");
    check((code == "unsupported_media_type") == (data[0] % kContentTypes.size() >= 3),
          "exactly the non-JSON media types are refused with 415");
  } else {
    // What we accept, serialised, is accepted again as the same object.
    server::HttpRequest again = request;
    again.body = json::serialize(*body);
    auto reparsed = server::parse_json_object(again);
    check(!all_finite(*body) || (reparsed && equivalent(*reparsed, *body)),
          "parse(serialize(parse(b))) == parse(b)");
    read_fields(*body);
  }

  // The sign-in body: exactly {username, password}.
  if (auto login = server::read_username_password(request, 1024)) {
    check(body && body->size() == 2, "a sign-in body has exactly two fields");
    check_string(*body, "username", login->username, 1, 128);
    check_string(*body, "password", login->password, 1, 1024);
  }
  return 0;
}
