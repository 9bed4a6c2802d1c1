// Cryptographic helpers on OpenSSL 3: hashing, HMAC, constant-time comparison, AES-256-GCM
// sealing of secrets at rest under the master key, and ECDSA P-256 signature checks.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

/// The keys a Sealer uses: `current` seals and is tried first when opening; `previous`
/// (e.g. the key before a rotation) only open.
struct SealingKeys {
  SecretBytes current;
  std::vector<SecretBytes> previous;
};

/// AES-256-GCM under the master key. A sealed blob is: version byte, 12-byte nonce,
/// ciphertext, 16-byte tag. `aad` binds the blob to its row (e.g. "device:ID:totp"), so a
/// sealed value copied onto another row does not open. Thread-safe, including set_keys():
/// a running server swaps in a rotated key ring while requests seal and open.
class Sealer {
 public:
  static constexpr std::size_t kKeySize = 32;
  /// Re-reads the keys (e.g. the key files) when no key opens a blob; throws on failure.
  using KeySource = std::function<SealingKeys()>;

  Sealer(SecretBytes key, Random& random);
  Sealer(SealingKeys keys, Random& random);
  Sealer(const Sealer&) = delete;
  Sealer& operator=(const Sealer&) = delete;

  Bytes seal(std::span<const std::uint8_t> plaintext, std::string_view aad) const;
  /// kInternal error "sealed_secret_invalid" when the blob was tampered with, was sealed
  /// under a key this sealer does not hold, or belongs to another row. Tries the current
  /// key, then the previous ones; when none opens and a key source is set, reloads the keys
  /// from it once and tries again (so a master-key rotation by another process never makes
  /// a running server fail to open a secret).
  Result<SecretBytes> open(std::span<const std::uint8_t> blob, std::string_view aad) const;
  /// Opens with the current key only (rotation checks which blobs are already re-sealed).
  Result<SecretBytes> open_with_current(std::span<const std::uint8_t> blob,
                                        std::string_view aad) const;

  /// Replaces the key ring; throws std::invalid_argument when a key is not 32 bytes.
  void set_keys(SealingKeys keys) const;
  /// Sets where open() reloads keys from; call before the sealer is shared.
  void set_key_source(KeySource source) { source_ = std::move(source); }

 private:
  std::shared_ptr<const SealingKeys> keys() const;
  Result<SecretBytes> open_with(const SealingKeys& keys, std::span<const std::uint8_t> blob,
                                std::string_view aad) const;

  mutable std::mutex mutex_;
  mutable std::shared_ptr<const SealingKeys> keys_;
  KeySource source_;
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
