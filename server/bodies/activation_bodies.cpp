#include "server/bodies/activation_bodies.hpp"

#include <tuple>

#include "activation/sweep.hpp"
#include "server/json_io.hpp"

namespace twostep::server {

core::Result<activation::ActivateRequest> read_activate_body(const HttpRequest& request) {
  auto body = parse_json_object(request);
  if (!body) return std::unexpected(body.error());
  activation::ActivateRequest out;
  // Lengths here only bound the input; activate_device() applies the exact rules.
  for (auto [field, target, max] :
       {std::tuple{"code", &out.code, 128}, std::tuple{"device_name", &out.device_name, 100},
        std::tuple{"platform", &out.platform, 50}, std::tuple{"app_version", &out.app_version, 50},
        std::tuple{"public_key", &out.public_key, 512}}) {
    auto value = required_string(*body, field, 1, static_cast<std::size_t>(max));
    if (!value) return std::unexpected(value.error());
    *target = std::move(*value);
  }
  return out;
}

core::Result<std::optional<std::string>> read_new_activation_body(const HttpRequest& request) {
  auto body = read_optional_json_fields(request, {"replace_device_id"});
  if (!body) return std::unexpected(body.error());
  return optional_string(*body, "replace_device_id", 1, 64);
}

core::Result<std::string> read_oath_token_body(const HttpRequest& request) {
  return read_single_string(request, "display_name", 100);
}

core::Result<std::string> read_oath_token_code_body(const HttpRequest& request) {
  return read_single_string(request, "code", 16);
}

core::Result<SweepBody> read_sweep_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"not_seen_days", "dry_run", "limit"});
  if (!body) return std::unexpected(body.error());
  auto days = required_int(*body, "not_seen_days", 1, 36500);
  if (!days) return std::unexpected(days.error());
  auto dry_run = optional_bool(*body, "dry_run");
  if (!dry_run) return std::unexpected(dry_run.error());
  auto limit = optional_int(*body, "limit", 1, activation::kMaxSweepLimit);
  if (!limit) return std::unexpected(limit.error());
  return SweepBody{static_cast<int>(*days), dry_run->value_or(true),
                   static_cast<int>(limit->value_or(activation::kDefaultSweepLimit))};
}

}  // namespace twostep::server
