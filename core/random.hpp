// Randomness comes in through Random so tests can make it deterministic; only main() makes
// a SystemRandom (OpenSSL's CSPRNG).
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>

#include "core/secret.hpp"

namespace twostep::core {

/// Source of random bytes. Implementations must be thread-safe.
class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;

  /// A uniformly distributed integer in [0, bound) without modulo bias. bound > 0.
  std::uint32_t uniform(std::uint32_t bound);
  /// `n` random bytes as a wiping buffer (keys, TOTP secrets).
  SecretBytes bytes(std::size_t n);
  /// `n` random bytes, base64url without padding (tokens, ids). 16 bytes = 128 bits.
  std::string token(std::size_t n);
  /// `n` decimal digits, each uniform (OTP codes).
  std::string digits(std::size_t n);
};

/// OpenSSL RAND_bytes; aborts if the CSPRNG fails (nothing safe can continue).
class SystemRandom final : public Random {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

/// Deterministic generator for tests only (SplitMix64). Not for production.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::atomic<std::uint64_t> state_;
};

}  // namespace twostep::core
