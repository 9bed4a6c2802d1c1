// Correlation id acceptance and generation.
#include "server/correlation.hpp"

namespace twostep::server {

bool is_sane_correlation_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string correlation_id_for(std::string_view offered, core::Random& random) {
  if (is_sane_correlation_id(offered)) return std::string(offered);
  return random.token(12);
}

}  // namespace twostep::server
