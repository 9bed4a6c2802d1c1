// The JSON bodies of the activation and authenticator routes, read against their schemas
// (API.md) before any transaction. Like every file in server/bodies/ this is free of Beast,
// Asio and the store, so the fuzz build runs the real readers (fuzz.request_bodies).
#pragma once

#include <optional>
#include <string>

#include "activation/activate.hpp"
#include "core/error.hpp"
#include "server/http.hpp"

namespace twostep::server {

/// POST /v1/activate: {code, device_name, platform, app_version, public_key}, each a string
/// within a bound; activate_device() applies the exact rules.
core::Result<activation::ActivateRequest> read_activate_body(const HttpRequest& request);

/// POST …/authenticators/activations: no body, or {replace_device_id?}.
core::Result<std::optional<std::string>> read_new_activation_body(const HttpRequest& request);

/// POST …/oath-tokens: {display_name} (1–100 characters).
core::Result<std::string> read_oath_token_body(const HttpRequest& request);

/// POST …/oath-tokens/{id}/verify: {code} (1–16 characters), the app's first code.
core::Result<std::string> read_oath_token_code_body(const HttpRequest& request);

/// POST /v1/authenticators/deactivate-stale: {not_seen_days, dry_run?, limit?}.
struct SweepBody {
  int not_seen_days = 0;
  bool dry_run = true;
  int limit = 0;
};
core::Result<SweepBody> read_sweep_body(const HttpRequest& request);

}  // namespace twostep::server
