// Passwords: the policy a new password must meet, and Argon2id hashing in the standard PHC
// encoded form ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash") at the OWASP minimum
// parameters. Hashing costs tens of milliseconds: call it on a worker thread and outside
// write transactions (hash first, then store the encoded string).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/random.hpp"

namespace twostep::account {

/// Argon2id cost parameters.
struct Argon2Params {
  std::uint32_t memory_kib = 19456;  // 19 MiB (OWASP Password Storage Cheat Sheet)
  std::uint32_t iterations = 2;
  std::uint32_t lanes = 1;
};

inline constexpr std::size_t kMinPasswordChars = 12;
/// Longer inputs are refused so that hashing cost stays bounded by our parameters alone.
inline constexpr std::size_t kMaxPasswordBytes = 1024;

/// 400 "weak_password" when shorter than 12 characters (Unicode code points); 400
/// "invalid_password" when longer than 1024 bytes or not valid UTF-8.
core::Result<void> check_password_policy(std::string_view password);

/// Hashes with a fresh 16-byte salt; returns the PHC encoded string.
std::string hash_password(std::string_view password, core::Random& random,
                          const Argon2Params& params = {});

/// True when `password` matches `encoded` (compared in constant time). False when
/// `encoded` is malformed or uses parameters outside sane bounds.
bool verify_password(std::string_view encoded, std::string_view password);

/// True when `encoded` was made with other parameters than `params` (rehash it after the
/// next successful sign-in).
bool password_needs_rehash(std::string_view encoded, const Argon2Params& params = {});

}  // namespace twostep::account
