// TLS settings from REFERENCES.md (Mozilla intermediate, guideline 5.7).
#include "server/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core/config.hpp"
#include "server/tls13_handover.hpp"

namespace twostep::server {
namespace {

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";

[[noreturn]] void fail(const std::string& what) {
  unsigned long code = ERR_get_error();
  char detail[256] = "";
  if (code != 0) ERR_error_string_n(code, detail, sizeof detail);
  ERR_clear_error();
  throw core::ConfigError("TLS: " + what + (code != 0 ? std::string(": ") + detail : ""));
}

void check(long ok, const std::string& what) {
  if (ok != 1) fail(what);
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsFiles& files) {
  auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  check(SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION), "minimum protocol version");
  check(SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION), "maximum protocol version");
  // Mozilla intermediate leaves the choice of suite to the client (all listed are strong).
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // What server/lean_tls_stream.cpp relies on: a write may complete in part and be retried
  // from a different address with the same bytes; idle connections give back OpenSSL's
  // record buffers.
  SSL_CTX_set_mode(native, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                               SSL_MODE_RELEASE_BUFFERS);
  check(SSL_CTX_set_cipher_list(native, kTls12Ciphers), "TLS 1.2 cipher list");
  check(SSL_CTX_set_ciphersuites(native, kTls13Suites), "TLS 1.3 cipher suites");
  check(SSL_CTX_set1_groups_list(native, kGroups), "key exchange groups");
  // After a TLS 1.3 handshake the connection's records are protected by our own record
  // layer and OpenSSL's connection is freed (server/tls13_records.hpp): no session tickets.
  tls13::enable_handover(native);
  if (SSL_CTX_use_certificate_chain_file(native, files.cert.c_str()) != 1) {
    fail("cannot load certificate " + files.cert.string());
  }
  if (SSL_CTX_use_PrivateKey_file(native, files.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    fail("cannot load private key " + files.key.string());
  }
  check(SSL_CTX_check_private_key(native), "the private key does not match the certificate");
  return ctx;
}

}  // namespace twostep::server
