// Random: derived draws (uniform integers, tokens, digits) over an implementation's fill().
#include "core/random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "core/encoding.hpp"

namespace twostep::core {

std::uint32_t Random::uniform(std::uint32_t bound) {
  if (bound == 0) {
    throw std::invalid_argument("Random::uniform: bound must be positive");
  }
  // Values below 2^32 mod bound would make the low residues more likely than the rest;
  // drawing again when one comes up keeps every result equally likely.
  const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
  for (;;) {
    std::uint32_t x = 0;
    fill(std::span(reinterpret_cast<std::uint8_t*>(&x), sizeof x));
    if (x >= threshold) {
      return x % bound;
    }
  }
}

SecretBytes Random::bytes(std::size_t n) {
  SecretBytes out(n);
  fill(out.mutable_view());
  return out;
}

std::string Random::token(std::size_t n) {
  const SecretBytes raw = bytes(n);
  return base64url_encode(raw.view());
}

std::string Random::digits(std::size_t n) {
  std::string out(n, '0');
  for (char& c : out) {
    c = static_cast<char>('0' + uniform(10));
  }
  return out;
}

void SystemRandom::fill(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    const std::size_t chunk = std::min<std::size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) {
      // Without a working CSPRNG every token and key would be guessable: stop here.
      std::fputs("fatal: OpenSSL RAND_bytes failed\n", stderr);
      std::abort();
    }
    out = out.subspan(chunk);
  }
}

void SeededRandom::fill(std::span<std::uint8_t> out) {
  constexpr std::uint64_t kGamma = 0x9e3779b97f4a7c15ULL;
  std::size_t i = 0;
  while (i < out.size()) {
    // SplitMix64 advances its state by a constant, so one atomic add makes it thread-safe.
    std::uint64_t z = state_.fetch_add(kGamma) + kGamma;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int b = 0; b < 8 && i < out.size(); ++b, ++i) {
      out[i] = static_cast<std::uint8_t>(z >> (8 * b));
    }
  }
}

}  // namespace twostep::core
