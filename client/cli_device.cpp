#include "client/cli_device.hpp"

#include <boost/json/parse.hpp>

#include "client/cli.hpp"
#include "client/state.hpp"

namespace twostep::client::cli {

core::Result<std::shared_ptr<DeviceConnection>> device_from_state_file(
    boost::asio::io_context& io, const std::filesystem::path& state_path, ConnectionOptions options,
    core::Random& random, DeviceEvents& events) {
  auto state = load_state(state_path);
  if (!state) return std::unexpected(state.error());
  return make_device_connection(io.get_executor(), *state, std::move(options), random, events);
}

boost::json::object push_line(const PushRequest& push) {
  return {{"type", "push"},
          {"txid", push.txid},
          {"context",
           {{"app", push.context.app},
            {"ip", push.context.ip},
            {"location", push.context.location},
            {"browser", push.context.browser}}},
          {"expires_at", push.expires_at}};
}

boost::json::object notice_line(const Notice& notice) {
  boost::system::error_code ec;
  boost::json::value detail = boost::json::parse(notice.detail_json, ec);
  if (ec) detail = boost::json::object{};
  return {{"type", "notice"},
          {"event_id", notice.event_id},
          {"event", notice.event},
          {"detail", std::move(detail)},
          {"time", notice.time}};
}

boost::json::object closed_line(const CloseInfo& info) {
  return {{"type", "closed"},
          {"close_code", info.close_code},
          {"reason", info.reason},
          {"final", info.final},
          {"retry_in_ms", info.retry_in.count()}};
}

boost::json::object error_line(const ServerError& error) {
  return {{"type", "error"}, {"code", error.code}, {"message", error.message}};
}

int exit_code_for(const CloseInfo& info, bool deactivated) {
  if (info.close_code == 4401) return kExitRejected;
  if (deactivated || info.close_code == 4403) return kExitDeactivated;
  return kExitFailure;
}

}  // namespace twostep::client::cli
