// What the authenticator handlers share: the JSON shapes of authenticator methods (API.md:
// the device object, OATH tokens), the absolute URLs that go into activation and device
// responses, QR code responses, and telling the connection hub about deactivations.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "activation/devices.hpp"
#include "activation/oath_tokens.hpp"
#include "server/app.hpp"
#include "server/handlers/authenticator_routes.hpp"

namespace twostep::server {

/// The issuer shown by third-party authenticator apps for OATH tokens.
inline constexpr std::string_view kOathIssuer = "twostep";

/// {id, display_name, platform, app_version, status, created_at, last_seen_at,
///  deactivated_at?, deactivated_reason?, capabilities: ["push", "totp"]}
boost::json::object device_json(const activation::Device& device);

/// device_json plus the owner, for listings across users: user (the user id) and username.
boost::json::object device_with_user_json(const activation::Device& device);

/// {id, display_name, status, algorithm, digits, period, created_at, activated_at?}
boost::json::object oath_token_json(const activation::OathToken& token);

/// The absolute URL of POST /v1/activate (what activation URIs carry).
std::string activate_url(const App& app);

/// wss://HOST/v1/device/ws for the configured base URL (ws:// for a plain http base URL).
std::string device_ws_url(const App& app);

/// `text` as a QR code image (image/png or image/svg+xml), not to be cached: it carries a
/// secret (an activation code or an OATH secret).
Reply qr_response(std::string_view text, QrFormat format);

/// Tells the connection hub (App::on_devices_deactivated) when the list is not empty. Call
/// it after the transaction that made the deactivations has committed.
void announce_deactivations(App& app, const std::vector<activation::Deactivation>& done);

}  // namespace twostep::server
