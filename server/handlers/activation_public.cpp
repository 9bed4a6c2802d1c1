// POST /v1/activate: the phone presents the code from the QR and its P-256 public key and
// becomes a device of the code's user. No credential but the code, so every attempt is
// rate-limited per client address, and a code that turns out unknown, used or expired costs
// more than a success: guessing gets slow fast, a real activation never notices.
#include <memory>

#include "activation/activate.hpp"
#include "push/push_service.hpp"
#include "server/bodies/activation_bodies.hpp"
#include "server/device_notices.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/authenticator_json.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/json_io.hpp"
#include "server/rate_limiter.hpp"
#include "totp/otp.hpp"

namespace twostep::server {
namespace {

// Ten attempts at once, then ten a minute, per address; a failed code costs three.
constexpr RateLimiter::Policy kActivatePolicy{10, 10.0 / 60, 10000};
constexpr double kFailedCodeExtraCost = 2;

bool is_failed_code(const core::Error& error) {
  return error.code == "activation_not_found" || error.code == "activation_used" ||
         error.code == "activation_expired";
}

boost::json::object activated_json(const App& app, const activation::ActivatedDevice& device) {
  return boost::json::object{{"device_id", device.device_id},
                             {"user",
                              {{"id", device.user.id},
                               {"username", device.user.username},
                               {"display_name", device.user.display_name}}},
                             {"totp",
                              {{"secret", device.totp_secret_base32},
                               {"algorithm", totp::algorithm_name(device.totp.algorithm)},
                               {"digits", device.totp.digits},
                               {"period", device.totp.period}}},
                             {"ws_url", device_ws_url(app)},
                             {"server_time", core::to_rfc3339(app.clock.now())}};
}

// The user's other phones hear of the new one (and may answer "not me"), and of the phone
// it replaced; queued in the activation's transaction, delivered after the commit.
std::vector<push::Notice> queue_activation_notices(App& app, store::Tx& tx,
                                                   const activation::ActivatedDevice& device,
                                                   const activation::ActivateRequest& request) {
  auto notices =
      push::queue_notice(tx, app.clock, app.random, device_added_notice(device, request));
  for (const auto& replaced : device.deactivated) {
    if (auto old = activation::find_device(tx, replaced.device_id)) {
      auto more =
          push::queue_notice(tx, app.clock, app.random,
                             device_removed_notice(*old, replaced.reason, device.device_id));
      notices.insert(notices.end(), more.begin(), more.end());
    }
  }
  return notices;
}

Reply activate(App& app, RateLimiter& limiter, HttpRequest& request) {
  if (auto allowed = limiter.take(request.client_ip); !allowed) {
    return std::unexpected(allowed.error());
  }
  auto input = read_activate_body(request);
  if (!input) return std::unexpected(input.error());
  store::AuditContext who = audit_context(request);
  who.actor = "device";  // the phone has no identity until this succeeds
  std::vector<push::Notice> notices;
  auto device = app.store->write([&](store::Tx& tx) {
    auto done = activation::activate_device(tx, app.clock, app.random, *app.sealer, who, *input);
    if (done) notices = queue_activation_notices(app, tx, *done, *input);
    return done;
  });
  if (!device) {
    if (is_failed_code(device.error())) limiter.charge(request.client_ip, kFailedCodeExtraCost);
    return std::unexpected(device.error());
  }
  announce_deactivations(app, device->deactivated);
  app.push->deliver_notices(notices);
  return json_response(201, activated_json(app, *device));
}

}  // namespace

void register_activate_route(Router& router, App& app) {
  auto limiter = make_rate_limiter(app.clock, kActivatePolicy, *app.store, "activate");
  router.add("POST", "/v1/activate", Access::kPublic,
             [&app, limiter](HttpRequest& request) { return activate(app, *limiter, request); });
}

}  // namespace twostep::server
