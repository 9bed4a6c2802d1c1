// Client-side TLS for the companion app: one shared context per trust setting (TLS 1.2+), and
// the per-connection part (SNI, host-name check, optional key pin).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "client/tls_options.hpp"
#include "core/error.hpp"

namespace twostep::client {

using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

/// A client context for `options`: TLS 1.2 minimum, the CA file or the system store (unless
/// insecure), buffers released while idle so thousands of quiet connections stay small.
/// Error "tls_setup_failed" (kInvalidInput) when the CA file cannot be read.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(
    const TlsOptions& options);

/// Prepares `stream` for a handshake with `host`: SNI (for names, not IP addresses) and the
/// certificate check that `options` asks for.
core::Result<void> prepare_tls_stream(TlsStream& stream, const std::string& host, bool host_is_ip,
                                      const TlsOptions& options);

/// Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo of the peer's leaf certificate after
/// a handshake; empty when there is none.
std::string peer_key_pin(const TlsStream& stream);

}  // namespace twostep::client
