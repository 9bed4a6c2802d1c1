// Accessors of the handler-facing request type.
#include "server/http.hpp"

namespace twostep::server {

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

std::string_view HttpRequest::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return {};
  return it->second;
}

}  // namespace twostep::server
