// Pieces shared by the subcommands that hold one device's connection (listen, remove): the
// connection from a state file, the JSON lines they print, and exit codes from how the
// connection ended.
#pragma once

#include <filesystem>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include "client/device_connection.hpp"

namespace twostep::client::cli {

/// The connection of the device in `state_path`, on `io`.
core::Result<std::shared_ptr<DeviceConnection>> device_from_state_file(
    boost::asio::io_context& io, const std::filesystem::path& state_path, ConnectionOptions options,
    core::Random& random, DeviceEvents& events);

boost::json::object push_line(const PushRequest& push);
boost::json::object notice_line(const Notice& notice);
boost::json::object closed_line(const CloseInfo& info);
boost::json::object error_line(const ServerError& error);

/// The exit code for a connection that ended for good on its own: kExitRejected after 4401,
/// kExitDeactivated after 4403 or `deactivated`, kExitFailure otherwise.
int exit_code_for(const CloseInfo& info, bool deactivated);

}  // namespace twostep::client::cli
