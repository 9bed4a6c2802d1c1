// Instantiations of the Beast/Asio operations on TlsStream (see tls_io.hpp).
#include "server/tls_io.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace twostep::server {
namespace {

auto with(beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

}  // namespace

asio::awaitable<beast::error_code> tls_handshake(TlsStream& stream) {
  beast::error_code ec;
  co_await stream.async_handshake(with(ec));
  co_return ec;
}

asio::awaitable<beast::error_code> read_some(TlsStream& stream, beast::flat_buffer& buffer,
                                             std::size_t max) {
  beast::error_code ec;
  std::size_t n = co_await stream.async_read_some(buffer.prepare(max), with(ec));
  if (!ec) buffer.commit(n);
  co_return ec;
}

asio::awaitable<beast::error_code> read_header(TlsStream& stream, beast::flat_buffer& buffer,
                                               RequestParser& parser) {
  beast::error_code ec;
  co_await http::async_read_header(stream, buffer, parser, with(ec));
  co_return ec;
}

asio::awaitable<beast::error_code> read_body(TlsStream& stream, beast::flat_buffer& buffer,
                                             RequestParser& parser) {
  beast::error_code ec;
  co_await http::async_read(stream, buffer, parser, with(ec));
  co_return ec;
}

asio::awaitable<beast::error_code> write_response(TlsStream& stream, BeastResponse& response) {
  beast::error_code ec;
  co_await http::async_write(stream, response, with(ec));
  co_return ec;
}

asio::awaitable<beast::error_code> write_continue(TlsStream& stream, unsigned version) {
  http::response<http::empty_body> go_on{http::status::continue_, version};
  beast::error_code ec;
  co_await http::async_write(stream, go_on, with(ec));
  co_return ec;
}

asio::awaitable<beast::error_code> tls_close_notify(TlsStream& stream) {
  beast::error_code ec;
  co_await stream.async_shutdown(with(ec));
  co_return ec;
}

asio::awaitable<void> drain_after_close(TlsStream& stream, std::size_t max_bytes) {
  beast::error_code ignored;
  co_await stream.async_drain(max_bytes, with(ignored));
}

}  // namespace twostep::server
