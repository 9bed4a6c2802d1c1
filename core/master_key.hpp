// The master key that seals secrets at rest lives in a file outside the database, so a
// copy of the database alone reveals no secret.
#pragma once

#include <filesystem>

#include "core/crypto.hpp"
#include "core/random.hpp"
#include "core/secret.hpp"

namespace twostep::core {

/// Reads the 32-byte key (stored base64url) from `path`; creates it with mode 0600 when
/// the file does not exist. Throws ConfigError when the file is unreadable, malformed, or
/// readable by group or others.
SecretBytes load_or_create_master_key(const std::filesystem::path& path, Random& random);

/// Reads an existing key file with the same checks; throws ConfigError when it is missing.
SecretBytes read_master_key(const std::filesystem::path& path);

// Master-key rotation (`twostep admin rotate-master-key`) writes the new key next to the
// current one as PATH.new before it re-seals anything, and after its transaction commits
// copies the current key to PATH.old and renames PATH.new over PATH. PATH exists throughout.

/// PATH.new: the key a rotation in progress re-seals under.
std::filesystem::path next_master_key_path(const std::filesystem::path& path);
/// PATH.old: the key before the last rotation, kept so blobs it sealed still open.
std::filesystem::path previous_master_key_path(const std::filesystem::path& path);

/// The key at `path` as the current key, and PATH.new and PATH.old (when present) as
/// previous keys: every key a blob in the database may be sealed under.
SealingKeys load_sealing_keys(const std::filesystem::path& path);

/// Writes `key` to PATH.new (mode 0600, fsynced); ConfigError when PATH.new exists.
void write_next_master_key(const std::filesystem::path& path, const SecretBytes& key);

/// Finishes a rotation: copies PATH to PATH.old (replacing it), then renames PATH.new over
/// PATH, each step atomic, and makes the directory durable.
void install_next_master_key(const std::filesystem::path& path);

}  // namespace twostep::core
