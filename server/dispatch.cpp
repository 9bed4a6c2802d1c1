// Authentication and handler invocation on the worker pool; exceptions never escape.
#include "server/dispatch.hpp"

#include <exception>

#include <boost/asio/post.hpp>

#include "core/log.hpp"
#include "server/http_status.hpp"
#include "server/server_context.hpp"

namespace twostep::server {
namespace {

// Completes the call with 500 if an async handler drops its Respond without calling it,
// so a forgotten branch cannot leave a connection hanging.
struct RespondGuard {
  std::shared_ptr<PendingCall> call;
  std::string correlation_id;
  ~RespondGuard() {
    if (call->complete(std::unexpected(internal_error()))) {
      core::log(core::LogLevel::kError, "async handler never responded",
                {{"correlation_id", correlation_id}});
    }
  }
};

Respond make_respond(std::shared_ptr<PendingCall> call, std::string correlation_id) {
  auto guard = std::make_shared<RespondGuard>(std::move(call), std::move(correlation_id));
  return [guard](core::Result<HttpResponse> result) {
    if (!guard->call->complete(std::move(result))) {
      core::log(core::LogLevel::kDebug, "late or repeated response dropped",
                {{"correlation_id", guard->correlation_id}});
    }
  };
}

void run_route(ServerContext& ctx, const Route& route, HttpRequest& request,
               const std::shared_ptr<PendingCall>& call) {
  // Copied first: once the call completes, the connection may reuse `request`.
  const std::string correlation_id = request.correlation_id;
  try {
    if (route.access != Access::kPublic) {
      auto principal = ctx.authenticator.authenticate(request, route.access);
      if (!principal) {
        call->complete(std::unexpected(principal.error()));
        return;
      }
      request.principal = std::move(*principal);
    }
    if (route.handler) {
      call->complete(route.handler(request));
      return;
    }
    call->set_waiting();
    route.async_handler(request, make_respond(call, correlation_id));
  } catch (...) {
    call->complete(handler_failure(std::current_exception(), correlation_id, route.pattern));
  }
}

}  // namespace

void start_call(ServerContext& ctx, const Route& route, HttpRequest& request,
                CallCompletion handler, boost::asio::any_io_executor strand) {
  auto call = ctx.calls.add(std::move(handler), std::move(strand));
  boost::asio::post(ctx.workers,
                    [&ctx, &route, &request, call] { run_route(ctx, route, request, call); });
}

}  // namespace twostep::server
