// Request body parsing and typed field readers (see json_io.hpp for the rules).
#include "server/json_io.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace twostep::server {
namespace {

using boost::json::object;
using boost::json::value;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "application/json" with at most a charset=utf-8 parameter (quoted or not).
bool is_json_content_type(std::string_view content_type) {
  std::size_t semi = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semi)), "application/json")) return false;
  while (semi != std::string_view::npos) {
    content_type.remove_prefix(semi + 1);
    semi = content_type.find(';');
    std::string_view param = trim(content_type.substr(0, semi));
    std::size_t eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(trim(param.substr(0, eq)), "charset")) {
      return false;
    }
    std::string_view charset = trim(param.substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
      charset = charset.substr(1, charset.size() - 2);
    }
    if (!iequals(charset, "utf-8")) return false;
  }
  return true;
}

std::unexpected<core::Error> invalid_json(std::string message) {
  return core::fail(core::ErrorKind::kInvalidInput, "invalid_json", std::move(message));
}

std::unexpected<core::Error> invalid(std::string_view field, std::string message) {
  return core::fail_invalid(std::string(field), std::string(field) + " " + message);
}

// Number of Unicode code points; Boost.JSON has already refused invalid UTF-8.
std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool has_control_chars(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return true;
  }
  return false;
}

std::string length_rule(std::size_t min_chars, std::size_t max_chars) {
  if (min_chars == 0)
    return "must be a string of at most " + std::to_string(max_chars) + " characters";
  return "must be a string of " + std::to_string(min_chars) + " to " + std::to_string(max_chars) +
         " characters";
}

// The field's value, or nullptr when absent or JSON null.
const value* present(const object& body, std::string_view field) {
  const value* v = body.if_contains(field);
  return v == nullptr || v->is_null() ? nullptr : v;
}

core::Result<std::string> read_string(const value& v, std::string_view field, std::size_t min_chars,
                                      std::size_t max_chars) {
  if (!v.is_string()) return invalid(field, length_rule(min_chars, max_chars));
  std::string_view s = v.get_string();
  std::size_t n = count_chars(s);
  if (n < min_chars || n > max_chars) return invalid(field, length_rule(min_chars, max_chars));
  if (has_control_chars(s)) return invalid(field, "must not contain control characters");
  return std::string(s);
}

core::Result<std::int64_t> read_int(const value& v, std::string_view field, std::int64_t min,
                                    std::int64_t max) {
  std::string rule =
      "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  std::int64_t n = 0;
  if (v.is_int64()) {
    n = v.get_int64();
  } else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v.get_uint64());
  } else {
    return invalid(field, rule);
  }
  if (n < min || n > max) return invalid(field, rule);
  return n;
}

core::Result<std::string> read_enum(const value& v, std::string_view field,
                                    std::initializer_list<std::string_view> allowed) {
  if (v.is_string()) {
    for (std::string_view option : allowed) {
      if (v.get_string() == option) return std::string(option);
    }
  }
  std::string rule = "must be one of:";
  for (std::string_view option : allowed) {
    rule += (rule.back() == ':' ? " " : ", ") + std::string(option);
  }
  return invalid(field, rule);
}

}  // namespace

core::Result<object> parse_json_object(const HttpRequest& request) {
  if (!is_json_content_type(request.header("content-type"))) {
    return core::fail(core::ErrorKind::kUnsupportedMedia, "unsupported_media_type",
                      "Content-Type must be application/json");
  }
  if (request.body.empty()) return invalid_json("request body must be a JSON object");
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  value parsed = boost::json::parse(request.body, ec, {}, options);
  if (ec == boost::json::error::too_deep) {
    return invalid_json("request body nests deeper than " + std::to_string(kMaxJsonDepth) +
                        " levels");
  }
  if (ec) return invalid_json("request body is not valid JSON");
  if (!parsed.is_object()) return invalid_json("request body must be a JSON object");
  return std::move(parsed.get_object());
}

core::Result<std::string> required_string(const object& body, std::string_view field,
                                          std::size_t min_chars, std::size_t max_chars) {
  const value* v = present(body, field);
  if (v == nullptr) return invalid(field, length_rule(min_chars, max_chars));
  return read_string(*v, field, min_chars, max_chars);
}

core::Result<std::optional<std::string>> optional_string(const object& body, std::string_view field,
                                                         std::size_t min_chars,
                                                         std::size_t max_chars) {
  const value* v = present(body, field);
  if (v == nullptr) return std::nullopt;
  return read_string(*v, field, min_chars, max_chars);
}

core::Result<bool> required_bool(const object& body, std::string_view field) {
  const value* v = present(body, field);
  if (v == nullptr || !v->is_bool()) return invalid(field, "must be true or false");
  return v->get_bool();
}

core::Result<std::optional<bool>> optional_bool(const object& body, std::string_view field) {
  if (present(body, field) == nullptr) return std::nullopt;
  auto value = required_bool(body, field);
  if (!value) return std::unexpected(value.error());
  return *value;
}

core::Result<std::int64_t> required_int(const object& body, std::string_view field,
                                        std::int64_t min, std::int64_t max) {
  const value* v = present(body, field);
  if (v == nullptr) {
    return invalid(field,
                   "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return read_int(*v, field, min, max);
}

core::Result<std::optional<std::int64_t>> optional_int(const object& body, std::string_view field,
                                                       std::int64_t min, std::int64_t max) {
  const value* v = present(body, field);
  if (v == nullptr) return std::nullopt;
  return read_int(*v, field, min, max);
}

core::Result<std::string> required_enum(const object& body, std::string_view field,
                                        std::initializer_list<std::string_view> allowed) {
  const value* v = present(body, field);
  static const value kMissing;
  return read_enum(v == nullptr ? kMissing : *v, field, allowed);
}

core::Result<std::optional<std::string>> optional_enum(
    const object& body, std::string_view field, std::initializer_list<std::string_view> allowed) {
  const value* v = present(body, field);
  if (v == nullptr) return std::nullopt;
  return read_enum(*v, field, allowed);
}

core::Result<const object*> optional_object(const object& body, std::string_view field) {
  const value* v = present(body, field);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) return invalid(field, "must be an object");
  return &v->get_object();
}

core::Result<void> reject_unknown_fields(const object& body,
                                         std::initializer_list<std::string_view> allowed) {
  for (const auto& entry : body) {
    bool known = false;
    for (std::string_view name : allowed) known = known || entry.key() == name;
    if (!known) {
      std::string name(entry.key());
      bool printable = !has_control_chars(name) && name.size() <= 64;
      return core::fail(core::ErrorKind::kInvalidInput, "unknown_field",
                        printable ? "unknown field " + name : "unknown field",
                        printable ? name : std::string());
    }
  }
  return {};
}

HttpResponse json_response(unsigned status, const value& body) {
  HttpResponse response;
  response.status = status;
  response.body = boost::json::serialize(body);
  return response;
}

core::Result<boost::json::object> parse_optional_json_object(const HttpRequest& request) {
  if (request.body.empty()) return boost::json::object{};
  return parse_json_object(request);
}

namespace {

core::Result<boost::json::object> only(core::Result<boost::json::object> body,
                                       std::initializer_list<std::string_view> allowed) {
  if (!body) return body;
  if (auto ok = reject_unknown_fields(*body, allowed); !ok) return std::unexpected(ok.error());
  return body;
}

}  // namespace

core::Result<boost::json::object> read_json_fields(
    const HttpRequest& request, std::initializer_list<std::string_view> allowed) {
  return only(parse_json_object(request), allowed);
}

core::Result<boost::json::object> read_optional_json_fields(
    const HttpRequest& request, std::initializer_list<std::string_view> allowed) {
  return only(parse_optional_json_object(request), allowed);
}

core::Result<std::string> read_single_string(const HttpRequest& request, std::string_view field,
                                             std::size_t max_chars) {
  auto body = read_json_fields(request, {field});
  if (!body) return std::unexpected(body.error());
  return required_string(*body, field, 1, max_chars);
}

core::Result<UsernamePassword> read_username_password(const HttpRequest& request,
                                                      std::size_t max_password) {
  auto body = read_json_fields(request, {"username", "password"});
  if (!body) return std::unexpected(body.error());
  auto username = required_string(*body, "username", 1, 128);
  if (!username) return std::unexpected(username.error());
  auto password = required_string(*body, "password", 1, max_password);
  if (!password) return std::unexpected(password.error());
  return UsernamePassword{std::move(*username), std::move(*password)};
}

}  // namespace twostep::server
