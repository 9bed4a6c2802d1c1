// SecretBytes: key material that is wiped with OPENSSL_cleanse (which the optimiser may
// not remove) whenever a buffer stops holding it.
#include "core/secret.hpp"

#include <openssl/crypto.h>

#include "core/encoding.hpp"

namespace twostep::core {

SecretBytes SecretBytes::from_string(std::string_view s) { return SecretBytes(as_bytes(s)); }

// Moving a vector hands its buffer over, so the moved-from object holds no copy to wipe.
SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

void SecretBytes::wipe() {
  if (!bytes_.empty()) {
    OPENSSL_cleanse(bytes_.data(), bytes_.size());
  }
  // Release the (now zeroed) buffer so no stale capacity lingers.
  std::vector<std::uint8_t>().swap(bytes_);
}

}  // namespace twostep::core
