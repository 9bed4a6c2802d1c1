// POST /v1/authenticators/deactivate-stale: the admin's sweep of devices not seen for N
// days. A dry run (the default) lists what a real run would deactivate and changes nothing;
// both are audited. Bounded per call: "more" says another call would find more.
#include <algorithm>

#include "activation/sweep.hpp"
#include "server/bodies/activation_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/authenticator_json.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

boost::json::object swept_json(const activation::Device& device) {
  return {{"device_id", device.id},
          {"user", device.user_id},
          {"username", device.username},
          {"display_name", device.display_name},
          {"last_seen_at", core::to_rfc3339(device.last_seen_at)}};
}

bool was_deactivated(const activation::StaleSweep& sweep, const std::string& device_id) {
  return std::ranges::any_of(sweep.deactivations,
                             [&](const auto& d) { return d.device_id == device_id; });
}

Reply deactivate_stale(App& app, HttpRequest& request) {
  auto input = read_sweep_body(request);
  if (!input) return std::unexpected(input.error());
  auto sweep = app.store->write([&](store::Tx& tx) {
    return activation::sweep_stale_devices(tx, app.clock, audit_context(request),
                                           input->not_seen_days, input->dry_run, input->limit);
  });
  if (!sweep) return std::unexpected(sweep.error());
  announce_deactivations(app, sweep->deactivations);
  // A real run lists what it deactivated (a device removed meanwhile by someone else is
  // not among them); a dry run lists what a real run would deactivate.
  boost::json::array listed;
  for (const auto& device : sweep->devices) {
    if (sweep->dry_run || was_deactivated(*sweep, device.id)) listed.push_back(swept_json(device));
  }
  return json_response(200, boost::json::object{{"deactivated", std::move(listed)},
                                                {"dry_run", sweep->dry_run},
                                                {"not_seen_days", sweep->not_seen_days},
                                                {"more", sweep->more}});
}

}  // namespace

void register_stale_routes(Router& router, App& app) {
  router.add("POST", "/v1/authenticators/deactivate-stale", Access::kAdmin,
             bind_app(app, deactivate_stale));
}

}  // namespace twostep::server
