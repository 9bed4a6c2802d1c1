// Runs authentication and a route's handler off the I/O threads. The connection's coroutine
// awaits async_call; the work runs on the worker pool (or, for async handlers, wherever the
// handler answers from) and the result comes back on the connection's strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include "server/pending_calls.hpp"
#include "server/router.hpp"

namespace twostep::server {

struct ServerContext;

/// Starts the call; `handler` gets the response (or the error to render) exactly once.
void start_call(ServerContext& ctx, const Route& route, HttpRequest& request,
                CallCompletion handler, boost::asio::any_io_executor strand);

/// `co_await async_call(ctx, route, request, strand, use_awaitable)` → Result<HttpResponse>.
/// `request` must stay alive until the call completes.
template <class Token>
auto async_call(ServerContext& ctx, const Route& route, HttpRequest& request,
                boost::asio::any_io_executor strand, Token&& token) {
  return boost::asio::async_initiate<Token, void(core::Result<HttpResponse>)>(
      [&ctx, &route, &request, strand](auto&& handler) {
        start_call(ctx, route, request, CallCompletion(std::forward<decltype(handler)>(handler)),
                   strand);
      },
      token);
}

}  // namespace twostep::server
