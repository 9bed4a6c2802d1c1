// The device registry over HTTP: a user's devices (all of them, with the reason each
// deactivated one ended), removing one, and the admin's listing across users.
#include "activation/devices.hpp"
#include "activation/user_guard.hpp"
#include "push/push_service.hpp"
#include "server/device_notices.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/authenticator_json.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

// limit and cursor of a list request, into `filter`.
core::Result<void> read_paging(const HttpRequest& request, activation::DeviceFilter& filter) {
  auto limit = query_limit(request);
  if (!limit) return std::unexpected(limit.error());
  auto cursor = query_cursor(request);
  if (!cursor) return std::unexpected(cursor.error());
  filter.limit = static_cast<int>(*limit);
  filter.cursor = std::move(*cursor);
  return {};
}

// status= and not_seen_days= of GET /v1/authenticators.
core::Result<void> read_filters(const HttpRequest& request, activation::DeviceFilter& filter) {
  std::string_view status = request.query_param("status");
  if (!status.empty()) {
    filter.status = activation::parse_device_status(status);
    if (!filter.status) {
      return core::fail_invalid("status", "status must be one of: active, deactivated");
    }
  }
  auto days = query_int(request, "not_seen_days", 0, 36500);
  if (!days) return std::unexpected(days.error());
  if (*days) filter.not_seen_days = static_cast<int>(**days);
  return {};
}

using DeviceJson = boost::json::object (*)(const activation::Device&);

Reply page_reply(const core::Result<activation::DevicePage>& page, DeviceJson to_json) {
  if (!page) return std::unexpected(page.error());
  boost::json::array items;
  for (const auto& device : page->items) items.push_back(to_json(device));
  return json_response(200, page_body(std::move(items), page->next_cursor));
}

Reply list_all_authenticators(App& app, HttpRequest& request) {
  activation::DeviceFilter filter;
  if (auto ok = read_paging(request, filter); !ok) return std::unexpected(ok.error());
  if (auto ok = read_filters(request, filter); !ok) return std::unexpected(ok.error());
  return page_reply(app.store->read([&](store::Tx& tx) {
    return activation::list_devices(tx, app.clock, filter);
  }),
                    device_with_user_json);
}

}  // namespace

Reply list_authenticators_for(App& app, HttpRequest& request, const UserScope& scope) {
  activation::DeviceFilter filter;
  if (auto ok = read_paging(request, filter); !ok) return std::unexpected(ok.error());
  auto page = app.store->read([&](store::Tx& tx) -> core::Result<activation::DevicePage> {
    auto user = activation::require_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    filter.user_id = user->id;
    return activation::list_devices(tx, app.clock, filter);
  });
  return page_reply(page, device_json);
}

Reply remove_authenticator_for(App& app, HttpRequest& request, const UserScope& scope,
                               std::string_view device_id) {
  const auto reason = scope.self_service ? activation::DeactivationReason::kUserRemoved
                                         : activation::DeactivationReason::kAdminRemoved;
  std::vector<push::Notice> notices;
  auto removed = app.store->write([&](store::Tx& tx) -> core::Result<activation::Device> {
    auto user = activation::require_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    auto done = activation::deactivate_user_device(tx, app.clock, audit_context(request), user->id,
                                                   device_id, reason);
    if (!done) return std::unexpected(done.error());
    auto device = *activation::find_device(tx, device_id);
    // The user's other phones hear of it, in the same transaction.
    notices = push::queue_notice(tx, app.clock, app.random, device_removed_notice(device, reason));
    return device;
  });
  if (!removed) return std::unexpected(removed.error());
  announce_deactivations(app, {{removed->id, removed->user_id, reason}});
  app.push->deliver_notices(notices);
  return json_response(200, device_json(*removed));
}

void register_authenticators_routes(Router& router, App& app) {
  auto admin = [](const HttpRequest& request) { return UserScope{request.param("user"), false}; };
  router.add("GET", "/v1/users/{user}/authenticators", Access::kAdmin,
             [&app, admin](HttpRequest& request) {
               return list_authenticators_for(app, request, admin(request));
             });
  router.add("DELETE", "/v1/users/{user}/authenticators/{device_id}", Access::kAdmin,
             [&app, admin](HttpRequest& request) {
               return remove_authenticator_for(app, request, admin(request),
                                               request.param("device_id"));
             });
  router.add("GET", "/v1/authenticators", Access::kAdmin, bind_app(app, list_all_authenticators));
}

}  // namespace twostep::server
