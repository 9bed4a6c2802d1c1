// The master key that seals secrets at rest lives in a file outside the database, so a
// copy of the database alone reveals no secret.
#pragma once

#include <filesystem>

#include "core/random.hpp"
#include "core/secret.hpp"

namespace twostep::core {

/// Reads the 32-byte key (stored base64url) from `path`; creates it with mode 0600 when
/// the file does not exist. Throws ConfigError when the file is unreadable, malformed, or
/// readable by group or others.
SecretBytes load_or_create_master_key(const std::filesystem::path& path, Random& random);

}  // namespace twostep::core
