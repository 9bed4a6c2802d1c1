// The server's TLS context: TLS 1.2 and 1.3 only with Mozilla's "intermediate" suites and
// groups, no compression, no renegotiation. Includes Asio's SSL headers, so only the
// network code includes this file.
#pragma once

#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "server/certificate.hpp"

namespace twostep::server {

/// A context loaded with `files`. Throws core::ConfigError when the files do not load or
/// the key does not match the certificate. Sessions keep the shared_ptr they started with,
/// so a reload can swap in a new context without touching open connections.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsFiles& files);

}  // namespace twostep::server
