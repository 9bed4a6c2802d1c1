// Admin API for applications: register one (its key is shown once), list, delete.
#include "account/applications.hpp"
#include "server/bodies/admin_bodies.hpp"
#include "server/handlers/admin_routes.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

Reply create_application(App& app, HttpRequest& request) {
  auto name = read_application_body(request);
  if (!name) return std::unexpected(name.error());
  auto created = app.store->write([&](store::Tx& tx) {
    return account::create_application(tx, account_env(app), audit_context(request), *name);
  });
  if (!created) return std::unexpected(created.error());
  boost::json::object out = application_json(created->record);
  out["api_key"] = created->api_key;
  return json_response(201, out);
}

Reply list_applications(App& app, HttpRequest& request) {
  auto limit = query_limit(request);
  if (!limit) return std::unexpected(limit.error());
  auto cursor = query_cursor(request);
  if (!cursor) return std::unexpected(cursor.error());
  auto page = app.store->read([&](store::Tx& tx) {
    return account::list_applications(tx, static_cast<int>(*limit), *cursor);
  });
  if (!page) return std::unexpected(page.error());
  boost::json::array items;
  for (const auto& application : page->items) items.push_back(application_json(application));
  return json_response(200, page_body(std::move(items), page->next_cursor));
}

Reply delete_application(App& app, HttpRequest& request) {
  auto done = app.store->write([&](store::Tx& tx) {
    return account::delete_application(tx, account_env(app), audit_context(request),
                                       request.param("id"));
  });
  if (!done) return std::unexpected(done.error());
  return HttpResponse{204, "application/json", "", {}};
}

}  // namespace

void register_admin_applications_routes(Router& router, App& app) {
  router.add("POST", "/v1/applications", Access::kAdmin, bind_app(app, create_application));
  router.add("GET", "/v1/applications", Access::kAdmin, bind_app(app, list_applications));
  router.add("DELETE", "/v1/applications/{id}", Access::kAdmin, bind_app(app, delete_application));
}

}  // namespace twostep::server
