// X-Correlation-ID: the caller's own id when it is sane, else a new random one. Sane means
// 1 to 64 characters of [A-Za-z0-9._-], so an id can go into logs and JSON unescaped.
#pragma once

#include <string>
#include <string_view>

#include "core/random.hpp"

namespace twostep::server {

bool is_sane_correlation_id(std::string_view id);

/// `offered` when sane, else 96 random bits in base64url (16 characters).
std::string correlation_id_for(std::string_view offered, core::Random& random);

}  // namespace twostep::server
