#include "server/session_cookies.hpp"

namespace twostep::server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::string_view kAttributes = "; Path=/; Secure; HttpOnly; SameSite=Strict";

}  // namespace

std::string_view request_cookie(const HttpRequest& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t end = rest.find(';');
      std::string_view pair = trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
        return trim(pair.substr(eq + 1));
      }
    }
  }
  return {};
}

std::string set_cookie_value(std::string_view name, std::string_view value,
                             std::chrono::seconds max_age) {
  std::string out = std::string(name) + "=" + std::string(value) + std::string(kAttributes);
  if (max_age.count() > 0) out += "; Max-Age=" + std::to_string(max_age.count());
  return out;
}

std::string clear_cookie_value(std::string_view name) {
  return std::string(name) + "=" + std::string(kAttributes) + "; Max-Age=0";
}

void add_set_cookie(HttpResponse& response, std::string value) {
  response.headers.emplace_back("Set-Cookie", std::move(value));
}

}  // namespace twostep::server
