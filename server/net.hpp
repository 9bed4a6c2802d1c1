// Short names for the Asio and Beast types the network code shares. Included only by the
// few translation units that do network I/O (never by handlers).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/lean_tls_stream.hpp"

namespace twostep::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

/// A TLS connection with tcp_stream-style deadlines (OpenSSL on the socket, no Asio SSL
/// buffers: see lean_tls_stream.hpp).
using TlsStream = LeanTlsStream;
using BeastRequest = http::request<http::string_body>;
using BeastResponse = http::response<http::string_body>;

}  // namespace twostep::server
