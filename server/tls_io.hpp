// The TLS stream operations an HTTP session awaits, each wrapped in a small coroutine and
// compiled once in tls_io.cpp. They are where Beast's and Asio's heavy template
// instantiations happen, so keeping them out of session.cpp makes the session's logic quick
// to rebuild. Each applies no deadline of its own: the caller sets one on the stream first.
#pragma once

#include <cstddef>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/parser.hpp>

#include "server/net.hpp"

namespace twostep::server {

using RequestParser = http::request_parser<http::string_body>;

asio::awaitable<beast::error_code> tls_handshake(TlsStream& stream);
/// Reads what is available (at most `max` bytes) into `buffer`.
asio::awaitable<beast::error_code> read_some(TlsStream& stream, beast::flat_buffer& buffer,
                                             std::size_t max);
asio::awaitable<beast::error_code> read_header(TlsStream& stream, beast::flat_buffer& buffer,
                                               RequestParser& parser);
/// Reads the rest of the message (the body) into the parser.
asio::awaitable<beast::error_code> read_body(TlsStream& stream, beast::flat_buffer& buffer,
                                             RequestParser& parser);
asio::awaitable<beast::error_code> write_response(TlsStream& stream, BeastResponse& response);
/// "HTTP/1.1 100 Continue", for a request that sent `Expect: 100-continue`.
asio::awaitable<beast::error_code> write_continue(TlsStream& stream, unsigned version);
/// Sends close_notify without waiting for the peer's (RFC 8446 §6.1 allows it), so a
/// client that never answers cannot hold the connection open.
asio::awaitable<beast::error_code> tls_close_notify(TlsStream& stream);
/// Half-closes the TCP connection (FIN) and reads and discards what the peer still sends
/// until it closes, the stream's deadline passes or `max_bytes` were discarded. Bytes are
/// read below TLS: they are only drained, never interpreted.
asio::awaitable<void> drain_after_close(TlsStream& stream, std::size_t max_bytes);

}  // namespace twostep::server
