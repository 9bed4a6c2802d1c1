// Operational endpoints: liveness for load balancers and Prometheus metrics.
#include <boost/json/object.hpp>

#include "server/json_io.hpp"
#include "server/routes.hpp"

namespace twostep::server {

void register_operations_routes(Router& router, App& app) {
  // Liveness only: it answers when the process can serve requests, without touching the
  // database, so a slow disk does not make a load balancer drop every node at once.
  router.add("GET", "/healthz", Access::kPublic, [](HttpRequest&) -> core::Result<HttpResponse> {
    return json_response(200, boost::json::object{{"status", "ok"}});
  });
  router.add("GET", "/metrics", Access::kPublic,
             [&metrics = app.metrics](HttpRequest&) -> core::Result<HttpResponse> {
               HttpResponse response;
               response.content_type = "text/plain; version=0.0.4; charset=utf-8";
               response.body = metrics.render();
               return response;
             });
}

}  // namespace twostep::server
