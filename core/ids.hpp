// Opaque identifiers: a short type prefix and 96 random bits, e.g. "usr_3q2-Xv9aLk0bQm1T".
// The prefix makes logs and audit rows readable; the randomness makes ids unguessable.
#pragma once

#include <string>
#include <string_view>

#include "core/random.hpp"

namespace twostep::core {

inline std::string new_id(std::string_view prefix, Random& random) {
  return std::string(prefix) + "_" + random.token(12);
}

}  // namespace twostep::core
