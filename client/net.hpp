// TCP plumbing shared by the HTTPS client and the device WebSocket: name resolution that
// skips the resolver for IP literals, and connecting from a chosen source address.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "client/url.hpp"

namespace twostep::client {

using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

/// The endpoints of `url`'s host and port. An IP literal needs no resolver (which matters
/// when thousands of devices connect to 127.0.0.1 at once).
boost::asio::awaitable<std::pair<boost::system::error_code, Endpoints>> resolve(const Url& url);

/// Connects `stream` to the first endpoint that answers, binding `local_address` first when
/// given (endpoints of the other address family are skipped).
boost::asio::awaitable<boost::system::error_code> connect(
    boost::beast::tcp_stream& stream, const Endpoints& endpoints,
    const std::optional<boost::asio::ip::address>& local_address);

}  // namespace twostep::client
