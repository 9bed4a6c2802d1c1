// Activating a device (API.md, "Activation"): make a P-256 key, POST /v1/activate with the
// one-use code from the activation URI, and turn the answer into the device's state.
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include "client/activation_uri.hpp"
#include "client/device_key.hpp"
#include "client/https.hpp"
#include "client/state.hpp"
#include "client/tls_options.hpp"
#include "core/error.hpp"

namespace twostep::client {

/// What the device tells the server about itself.
struct DeviceInfo {
  std::string name;
  std::string platform;
  std::string app_version;
};

struct ActivationRequest {
  ActivationUri uri;
  DeviceInfo device;
  TlsOptions tls;
};

/// Activates with a fresh key over a new TLS connection (`context` made from request.tls).
/// Returns the state to save; with `tls.insecure` and no pin yet, the state pins the server
/// key seen now (TlsOptions). Errors: the server's (e.g. activation_not_found 404,
/// activation_used 409, activation_expired 410, invalid_public_key 400, rate limited 429),
/// transport errors from https_request(), "invalid_activation_response" (kInternal) when
/// the server's answer is not the documented shape.
boost::asio::awaitable<core::Result<DeviceState>> activate_device(
    boost::asio::ssl::context& context, ActivationRequest request, HttpsOptions options = {});

/// activate_device() on a private io_context, for command-line use.
core::Result<DeviceState> activate_device_blocking(const ActivationRequest& request,
                                                   HttpsOptions options = {});

/// The JSON body of POST /v1/activate.
std::string activation_body(const ActivationRequest& request, std::string_view public_key);

/// The device state from a 201 response body.
core::Result<DeviceState> state_from_activation(std::string_view body,
                                                const ActivationRequest& request,
                                                const DeviceKey& key,
                                                std::string_view peer_key_pin);

}  // namespace twostep::client
