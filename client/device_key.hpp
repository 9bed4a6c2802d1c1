// The device's own P-256 key pair: made once at activation, kept (as PKCS#8 PEM) in the state
// file, and used to sign the WebSocket auth challenge and every push answer (API.md, "Device
// WebSocket"). Signatures are ECDSA over SHA-256, DER-encoded, sent as base64url.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "core/encoding.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"

namespace twostep::client {

/// A P-256 private key. Move-only; share it between owners through shared_ptr<const DeviceKey>.
/// All methods are const and safe to call from several threads at once.
class DeviceKey {
 public:
  /// A fresh key from OpenSSL's CSPRNG. (Key generation and ECDSA nonces stay inside OpenSSL
  /// rather than going through core::Random: a deterministic generator must never reach them.)
  static core::Result<DeviceKey> generate();
  /// Reads an unencrypted PKCS#8 PEM private key; error "invalid_device_key" unless it is a
  /// P-256 key.
  static core::Result<DeviceKey> from_pem(std::string_view pem);

  /// The private key as unencrypted PKCS#8 PEM, for the state file.
  core::SecretBytes private_key_pem() const;
  /// DER SubjectPublicKeyInfo of the public half.
  core::Bytes public_key_der() const;
  /// base64url (no padding) of public_key_der(): the `public_key` of POST /v1/activate.
  std::string public_key_base64url() const;

  /// ECDSA P-256 over SHA-256(message), DER-encoded.
  core::Result<core::Bytes> sign(std::string_view message) const;
  /// sign(), base64url without padding: the `signature` field of device frames.
  core::Result<std::string> sign_base64url(std::string_view message) const;

 private:
  struct Free {
    void operator()(EVP_PKEY* key) const;
  };
  explicit DeviceKey(EVP_PKEY* key) : key_(key) {}

  std::unique_ptr<EVP_PKEY, Free> key_;
};

}  // namespace twostep::client
