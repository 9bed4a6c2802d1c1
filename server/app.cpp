// Process wiring and the list of route registrations.
#include "server/app.hpp"

#include <set>
#include <system_error>

#include "core/ids.hpp"
#include "core/master_key.hpp"
#include "server/account_authenticator.hpp"
#include "server/handlers/admin_routes.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/handlers/phone_routes.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/phone_wiring.hpp"
#include "server/push_runtime.hpp"
#include "server/routes.hpp"

namespace twostep::server {
namespace {

namespace fs = std::filesystem;

void ensure_data_dir(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      throw core::ConfigError("data dir " + dir.string() + " is not a directory");
    }
    return;
  }
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) throw core::ConfigError("cannot create data dir " + dir.string() + ": " + ec.message());
}

}  // namespace

App::App(core::Config config_in) : config(std::move(config_in)) {
  ensure_data_dir(config.data_dir);
  core::SecretBytes key = core::load_or_create_master_key(config.master_key_path(), random);
  store = store::open_store(config.database_url());
  if (store->dialect() == store::Dialect::kPostgres) {
    cluster_fanout = std::make_unique<push::ClusterFanout>(
        *store, clock, device_hub, transaction_waiters, core::new_id("node", random));
    fanout = cluster_fanout.get();
  }
  phone_provider = make_phone_provider(config, clock);
  phone = std::make_unique<phone::PhoneService>(*store, clock, random, *phone_provider,
                                                derive_phone_code_key(key));
  phone->on_transaction_changed(
      [this](std::string_view txid) { fanout->transaction_changed(txid); });
  // master.key seals; a rotation's master.key.new and master.key.old still open, and the
  // files are read again when no key opens a blob (a rotation by `twostep admin`).
  const fs::path key_path = config.master_key_path();
  sealer = std::make_unique<core::Sealer>(core::load_sealing_keys(key_path), random);
  sealer->set_key_source([key_path] { return core::load_sealing_keys(key_path); });
  authenticator = std::make_unique<AccountAuthenticator>(*store, clock);
  push = std::make_unique<push::PushService>(*store, clock, random, *fanout);
  if (cluster_fanout) cluster_fanout->attach(*push);
  push_runtime = std::make_unique<PushRuntime>(config.worker_threads);
  // Each deactivated device's sockets get `deactivated` and close with 4403; a user left
  // without an active device has their pending pushes denied at once ("no_active_device").
  // Blocking (a store write per user): handlers call it on their worker thread.
  on_devices_deactivated = [this](const std::vector<activation::Deactivation>& deactivations) {
    std::set<std::string> users;
    for (const auto& d : deactivations) {
      fanout->deactivate(d.device_id, activation::reason_name(d.reason));
      users.insert(d.user_id);
    }
    for (const auto& user : users) push->cancel_if_no_active_device(user);
  };
}

// The runtime goes first: stopping it drops queued work that still refers to the service.
App::~App() { push_runtime.reset(); }

void register_routes(Router& router, App& app) {
  register_operations_routes(router, app);
  register_web_page_routes(router, app);
  register_admin_users_routes(router, app);
  register_admin_applications_routes(router, app);
  register_admin_settings_routes(router, app);
  register_admin_audit_routes(router, app);
  register_authenticator_area_routes(router, app);
  register_auth_push_routes(router, app);
  register_phone_routes(router, app);
  register_session_area_routes(router, app);
  register_app_credential_routes(router, app);
  register_auth_app_password_routes(router, app);
  register_auth_preauth_routes(router, app);
}

}  // namespace twostep::server
