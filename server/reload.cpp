// The SIGHUP reload.
#include "server/reload.hpp"

#include <string>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "core/master_key.hpp"
#include "server/certificate.hpp"

namespace twostep::server {
namespace {

// The settings read only at start, by name, when `fresh` differs from `running`.
std::string restart_needed(const core::Config& running, const core::Config& fresh) {
  const std::vector<std::pair<const char*, bool>> settings = {
      {"listen", running.listen != fresh.listen},
      {"data_dir", running.data_dir != fresh.data_dir},
      {"db", running.database_url() != fresh.database_url()},
      {"public_url", !fresh.public_url.empty() && running.public_url != fresh.public_url},
      {"master_key", running.master_key_path() != fresh.master_key_path()},
      {"allowed_origins", running.allowed_origins != fresh.allowed_origins},
      {"io_threads", running.io_threads != fresh.io_threads},
      {"worker_threads", running.worker_threads != fresh.worker_threads},
      {"body_limit", running.body_limit != fresh.body_limit},
      {"read_timeout_seconds", running.read_timeout_seconds != fresh.read_timeout_seconds},
      {"idle_timeout_seconds", running.idle_timeout_seconds != fresh.idle_timeout_seconds},
      {"web_dir", running.web_dir != fresh.web_dir},
      {"phone_provider", running.phone_provider != fresh.phone_provider},
      {"phone_default_region", running.phone_default_region != fresh.phone_default_region},
      {"phone_webhook_url", running.phone_webhook_url != fresh.phone_webhook_url},
  };
  std::string out;
  for (const auto& [name, changed] : settings) {
    if (changed) out += (out.empty() ? "" : ",") + std::string(name);
  }
  return out;
}

void refuse(std::string_view what, const std::exception& e) {
  core::log(core::LogLevel::kError, "reload refused; the running settings stay in force",
            {{"what", std::string(what)}, {"error", e.what()}});
}

void reload(Server& server, App& app, const std::function<core::Config()>& load_config) {
  core::Config fresh;
  core::SealingKeys keys;
  try {
    fresh = load_config();
  } catch (const std::exception& e) {
    return refuse("configuration", e);
  }
  try {
    keys = core::load_sealing_keys(fresh.master_key_path());
  } catch (const std::exception& e) {
    return refuse("master key", e);
  }
  TlsFiles files;
  try {
    files = ensure_tls_files(fresh, app.random, app.clock);
    server.replace_tls(files);
  } catch (const std::exception& e) {
    return refuse("TLS certificate", e);
  }
  app.sealer->set_keys(std::move(keys));
  core::set_log_level(core::parse_log_level(fresh.log_level));
  core::log(core::LogLevel::kInfo, "reloaded",
            {{"tls_cert", files.cert.string()},
             {"log_level", fresh.log_level},
             {"restart_needed_for", restart_needed(app.config, fresh)}});
}

}  // namespace

void reload_on_sighup(Server& server, App& app, std::function<core::Config()> load_config) {
  server.on_reload([&server, &app, load = std::move(load_config)] { reload(server, app, load); });
}

}  // namespace twostep::server
