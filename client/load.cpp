#include "client/load.hpp"

#include <algorithm>
#include <map>

#include "client/state.hpp"

namespace twostep::client {
namespace {

core::Result<std::vector<std::filesystem::path>> state_files(const LoadPlan& plan) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(plan.states_dir, ec)) {
    if (entry.is_regular_file(ec) && !entry.path().filename().string().starts_with(".")) {
      files.push_back(entry.path());
    }
  }
  if (ec) {
    return core::fail(core::ErrorKind::kInvalidInput, "state_unreadable",
                      "cannot list " + plan.states_dir.string());
  }
  std::sort(files.begin(), files.end());
  if (plan.max_devices != 0 && files.size() > plan.max_devices) files.resize(plan.max_devices);
  return files;
}

// One target per distinct (URL, trust settings): the TLS context is shared, not copied.
class Targets {
 public:
  core::Result<std::shared_ptr<const ServerTarget>> get(const Url& url, const TlsOptions& tls) {
    const std::string key =
        url.str() + '\n' + (tls.insecure ? "1" : "0") + tls.ca_file + '\n' + tls.pin_sha256;
    if (auto it = targets_.find(key); it != targets_.end()) return it->second;
    auto target = make_server_target(url, tls);
    if (target) targets_.emplace(key, *target);
    return target;
  }

 private:
  std::map<std::string, std::shared_ptr<const ServerTarget>> targets_;
};

core::Result<LoadedDevice> load_device(const std::filesystem::path& file, const LoadPlan& plan,
                                       Targets& targets) {
  auto state = load_state(file);
  if (!state) return std::unexpected(state.error());
  auto url = plan.server ? core::Result<Url>(*plan.server) : parse_url(state->ws_url);
  if (!url) return std::unexpected(url.error());
  auto target = targets.get(*url, plan.server ? plan.server_tls : state->tls);
  if (!target) return std::unexpected(target.error());
  auto key = DeviceKey::from_pem(state->private_key_pem.unsafe_string_view());
  if (!key) return std::unexpected(key.error());
  return LoadedDevice{*target,
                      {state->device_id, std::make_shared<const DeviceKey>(std::move(*key))}};
}

}  // namespace

core::Result<std::vector<LoadedDevice>> load_devices(const LoadPlan& plan) {
  auto files = state_files(plan);
  if (!files) return std::unexpected(files.error());
  Targets targets;
  std::vector<LoadedDevice> devices;
  devices.reserve(files->size());
  for (const auto& file : *files) {
    auto device = load_device(file, plan, targets);
    if (!device) {
      auto error = device.error();
      error.message = file.string() + ": " + error.message;
      return std::unexpected(std::move(error));
    }
    devices.push_back(std::move(*device));
  }
  return devices;
}

std::optional<boost::asio::ip::address> source_address(std::uint64_t index, std::uint32_t count) {
  if (count <= 1) return std::nullopt;
  constexpr std::uint32_t kLoopback = 0x7F000001;  // 127.0.0.1
  return boost::asio::ip::make_address_v4(kLoopback + static_cast<std::uint32_t>(index % count));
}

core::Result<std::unique_ptr<LoadRun>> LoadRun::create(boost::asio::any_io_executor executor,
                                                       core::Random& random, const LoadPlan& plan) {
  auto devices = load_devices(plan);
  if (!devices) return std::unexpected(devices.error());
  auto run = std::make_unique<LoadRun>(plan.answer);
  run->fleet_ = std::make_unique<DeviceFleet>(std::move(executor), random, plan.fleet, run.get());
  for (std::size_t i = 0; i < devices->size(); ++i) {
    auto& device = (*devices)[i];
    run->fleet_->add(std::move(device.target), std::move(device.identity),
                     source_address(i, plan.source_addresses));
  }
  return run;
}

void LoadRun::on_push(DeviceConnection& connection, const PushRequest& push) {
  if (answer_) connection.respond(push.txid, answer_->decision, answer_->number);
}

}  // namespace twostep::client
