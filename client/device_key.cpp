#include "client/device_key.hpp"

#include <cstring>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace twostep::client {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

core::Error key_error(std::string message) {
  return core::Error{
      core::ErrorKind::kInvalidInput, "invalid_device_key", std::move(message), {}, {}};
}

core::Error crypto_failure(std::string message) {
  return core::Error{core::ErrorKind::kInternal, "device_key_failed", std::move(message), {}, {}};
}

bool is_p256(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC") != 1) return false;
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &length) != 1) {
    return false;
  }
  return std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0;
}

}  // namespace

void DeviceKey::Free::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

core::Result<DeviceKey> DeviceKey::generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) return std::unexpected(crypto_failure("P-256 key generation failed"));
  return DeviceKey(key);
}

core::Result<DeviceKey> DeviceKey::from_pem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return std::unexpected(crypto_failure("out of memory"));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return std::unexpected(key_error("the device key is not a PEM private key"));
  DeviceKey result(key);
  if (!is_p256(key)) return std::unexpected(key_error("the device key is not a P-256 key"));
  return result;
}

core::SecretBytes DeviceKey::private_key_pem() const {
  // A secure-memory BIO is wiped when freed, so the PEM text leaves no copy behind.
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) != 1) {
    return {};
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0) return {};
  return core::SecretBytes(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)));
}

core::Bytes DeviceKey::public_key_der() const {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key_.get(), &der);
  if (size <= 0) return {};
  core::Bytes out(der, der + size);
  OPENSSL_free(der);
  return out;
}

std::string DeviceKey::public_key_base64url() const {
  return core::base64url_encode(public_key_der());
}

core::Result<core::Bytes> DeviceKey::sign(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    return std::unexpected(crypto_failure("signing could not start"));
  }
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  std::size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, data, message.size()) != 1) {
    return std::unexpected(crypto_failure("signing failed"));
  }
  core::Bytes signature(size);
  if (EVP_DigestSign(ctx.get(), signature.data(), &size, data, message.size()) != 1) {
    return std::unexpected(crypto_failure("signing failed"));
  }
  signature.resize(size);  // DER signatures vary in length; the first call gave the maximum.
  return signature;
}

core::Result<std::string> DeviceKey::sign_base64url(std::string_view message) const {
  auto signature = sign(message);
  if (!signature) return std::unexpected(signature.error());
  return core::base64url_encode(*signature);
}

}  // namespace twostep::client
