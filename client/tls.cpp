#include "client/tls.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/host_name_verification.hpp>

#include "core/crypto.hpp"

namespace twostep::client {
namespace asio = boost::asio;
namespace {

core::Error tls_error(std::string message) {
  return core::Error{
      core::ErrorKind::kInvalidInput, "tls_setup_failed", std::move(message), {}, {}};
}

std::string key_pin(X509* cert) {
  if (cert == nullptr) return {};
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (size <= 0) return {};
  const auto digest =
      core::sha256(std::span<const std::uint8_t>(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  return core::hex_encode(digest);
}

// Decides each certificate of the chain. OpenSSL calls this at least once for every depth,
// and again for every problem it finds, so answering "true" skips exactly the checks that
// `insecure` waives while the pin is still enforced on the leaf.
struct Verifier {
  std::string host;
  bool insecure;
  std::string pin;

  bool operator()(bool preverified, asio::ssl::verify_context& ctx) const {
    X509_STORE_CTX* store = ctx.native_handle();
    if (!pin.empty() && X509_STORE_CTX_get_error_depth(store) == 0 &&
        key_pin(X509_STORE_CTX_get_current_cert(store)) != pin) {
      return false;
    }
    if (insecure) return true;
    return asio::ssl::host_name_verification(host)(preverified, ctx);
  }
};

}  // namespace

core::Result<std::shared_ptr<asio::ssl::context>> make_tls_context(const TlsOptions& options) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  boost::system::error_code ec;
  context->set_verify_mode(asio::ssl::verify_peer, ec);
  if (!options.insecure) {
    if (!options.ca_file.empty()) {
      context->load_verify_file(options.ca_file, ec);
      if (ec) return std::unexpected(tls_error("cannot read CA file " + options.ca_file));
    } else {
      context->set_default_verify_paths(ec);
      if (ec) return std::unexpected(tls_error("cannot load the system CA store"));
    }
  }
  return context;
}

core::Result<void> prepare_tls_stream(TlsStream& stream, const std::string& host, bool host_is_ip,
                                      const TlsOptions& options) {
  // RFC 6066 forbids IP addresses in SNI.
  if (!host_is_ip && SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()) != 1) {
    return std::unexpected(tls_error("cannot set the TLS server name"));
  }
  boost::system::error_code ec;
  stream.set_verify_callback(Verifier{host, options.insecure, options.pin_sha256}, ec);
  if (ec) return std::unexpected(tls_error("cannot set the certificate check"));
  return {};
}

std::string peer_key_pin(const TlsStream& stream) {
  X509* cert = SSL_get1_peer_certificate(const_cast<TlsStream&>(stream).native_handle());
  std::string pin = key_pin(cert);
  X509_free(cert);
  return pin;
}

}  // namespace twostep::client
