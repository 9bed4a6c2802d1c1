// Cryptographic helpers on OpenSSL 3: hashing, HMAC, constant-time comparison, AES-256-GCM
// sealing of secrets at rest under the master key, and ECDSA P-256 signature checks.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/secret.hpp"

namespace twostep::core {

using Sha256Digest = std::array<std::uint8_t, 32>;

Sha256Digest sha256(std::span<const std::uint8_t> data);
inline Sha256Digest sha256(std::string_view s) { return sha256(as_bytes(s)); }
/// Hex of SHA-256: how tokens (admin, application, session, codes) are stored.
std::string sha256_hex(std::string_view s);
Sha256Digest hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

/// Constant-time equality; different lengths compare unequal (length is not secret).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);
inline bool constant_time_equal(std::string_view a, std::string_view b) {
  return constant_time_equal(as_bytes(a), as_bytes(b));
}

/// AES-256-GCM under the master key. A sealed blob is: version byte, 12-byte nonce,
/// ciphertext, 16-byte tag. `aad` binds the blob to its row (e.g. "device:ID:totp"), so a
/// sealed value copied onto another row does not open.
class Sealer {
 public:
  static constexpr std::size_t kKeySize = 32;
  Sealer(SecretBytes key, Random& random);

  Bytes seal(std::span<const std::uint8_t> plaintext, std::string_view aad) const;
  /// kInternal error "sealed_secret_invalid" when the blob was tampered with, was sealed
  /// under another key, or belongs to another row.
  Result<SecretBytes> open(std::span<const std::uint8_t> blob, std::string_view aad) const;

 private:
  SecretBytes key_;
  Random& random_;
};

/// A parsed, validated P-256 public key (DER SubjectPublicKeyInfo kept as given).
struct P256PublicKey {
  Bytes spki_der;
};

/// Accepts only a DER SubjectPublicKeyInfo of a valid point on P-256; error code
/// "invalid_public_key" otherwise.
Result<P256PublicKey> parse_p256_public_key(std::span<const std::uint8_t> spki_der);
/// ECDSA P-256 over SHA-256(message), DER signature. False on any malformed input.
bool verify_p256(const P256PublicKey& key, std::string_view message,
                 std::span<const std::uint8_t> der_signature);

}  // namespace twostep::core
