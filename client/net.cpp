#include "client/net.hpp"

#include <charconv>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace twostep::client {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
}  // namespace

asio::awaitable<std::pair<boost::system::error_code, Endpoints>> resolve(const Url& url) {
  boost::system::error_code ec;
  unsigned short port = 0;  // parse_url() checked that it is a number in range
  std::from_chars(url.port.data(), url.port.data() + url.port.size(), port);
  if (url.host_is_ip) {
    const auto address = asio::ip::make_address(url.host, ec);
    if (ec) co_return std::pair{ec, Endpoints{}};
    co_return std::pair{ec, Endpoints{tcp::endpoint(address, port)}};
  }
  tcp::resolver resolver(co_await asio::this_coro::executor);
  auto [resolve_ec, results] = co_await resolver.async_resolve(url.host, url.port, kNoThrow);
  Endpoints endpoints;
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  co_return std::pair{resolve_ec, std::move(endpoints)};
}

// One endpoint at a time rather than asio::async_connect: that one reopens the socket for
// each endpoint, which would drop the bound source address.
asio::awaitable<boost::system::error_code> connect(
    boost::beast::tcp_stream& stream, const Endpoints& endpoints,
    const std::optional<asio::ip::address>& local_address) {
  boost::system::error_code ec = asio::error::host_not_found;
  for (const auto& endpoint : endpoints) {
    if (local_address && local_address->is_v4() != endpoint.address().is_v4()) continue;
    auto& socket = stream.socket();
    boost::system::error_code ignored;
    socket.close(ignored);
    socket.open(endpoint.protocol(), ec);
    if (!ec && local_address) socket.bind(tcp::endpoint(*local_address, 0), ec);
    if (ec) continue;
    std::tie(ec) = co_await stream.async_connect(endpoint, kNoThrow);
    if (!ec) break;
  }
  co_return ec;
}

}  // namespace twostep::client
