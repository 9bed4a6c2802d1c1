// twostep-device remove: the app removes its own account. It connects, sends
// {"type":"remove"}, waits for the server's `deactivated` (reason device_removed) and the
// 4403 close, then deletes its state file, as the phone app forgets the account.
#include <array>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/cli.hpp"
#include "client/cli_device.hpp"

namespace twostep::client::cli {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kRemoveHelp =
    R"(Usage: twostep-device remove --state FILE [--keep-state] [--timeout S]

Removes this device's account from the server (the server deactivates the device with
reason device_removed), then deletes the state file. Prints {"type":"removed",...}.

  --state FILE     the device's state file
  --keep-state     keep the state file afterwards
  --timeout S      give up after S seconds (default 30)

Exit status: 0 when removed; 5 when the server did not confirm within the timeout; 3 or 4
when the server refused the device (already deactivated, or unknown); 1 otherwise.
)";

constexpr std::array kRemoveFlags{FlagSpec{"state", true}, FlagSpec{"keep-state", false},
                                  FlagSpec{"timeout", true}, FlagSpec{"help", false}};

class Remover final : public DeviceEvents {
 public:
  explicit Remover(asio::steady_timer& deadline) : deadline_(deadline) {}

  void on_ready(DeviceConnection& connection, std::int64_t) override {
    connection.remove();
    sent_ = true;
  }
  void on_error(DeviceConnection&, const ServerError& error) override {
    print_line(error_line(error));
  }
  void on_deactivated(DeviceConnection&, const Deactivated& why) override {
    deactivated_ = true;
    reason_ = why.reason;
  }
  // Reconnecting is off, so the first close is the final one.
  void on_closed(DeviceConnection&, const CloseInfo& info) override {
    deadline_.cancel();
    if (sent_ && (deactivated_ || info.close_code == 4403)) {
      removed_ = true;
    } else {
      print_line(closed_line(info));
      exit_code_ = exit_code_for(info, deactivated_);
    }
  }

  bool removed() const { return removed_; }
  const std::string& reason() const { return reason_; }
  int exit_code() const { return exit_code_; }

 private:
  asio::steady_timer& deadline_;
  bool sent_ = false;
  bool deactivated_ = false;
  bool removed_ = false;
  std::string reason_;
  int exit_code_ = kExitFailure;
};

}  // namespace

int remove_command(std::span<const std::string_view> args) {
  Args flags;
  if (auto done = parse_flags(args, kRemoveFlags, kRemoveHelp, flags)) return *done;
  if (!flags.has("state")) return usage_error("remove needs --state FILE");
  const auto timeout = count_flag(flags, "timeout", 30);
  if (!timeout) return kExitUsage;
  const std::filesystem::path state_path = *flags.value("state");

  asio::io_context io;
  asio::steady_timer deadline(io);
  Remover remover(deadline);
  core::SystemRandom random;
  ConnectionOptions options;
  options.reconnect = false;
  auto connection = device_from_state_file(io, state_path, options, random, remover);
  if (!connection) return failure("cannot open the device", connection.error());
  deadline.expires_after(std::chrono::seconds(*timeout));
  bool timed_out = false;
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    timed_out = true;
    (*connection)->stop();
  });
  (*connection)->start();
  io.run();

  if (!remover.removed()) {
    std::cerr << "twostep-device: the server did not confirm the removal\n";
    return timed_out ? kExitTimeout : remover.exit_code();
  }
  if (!flags.has("keep-state")) {
    std::error_code ec;
    std::filesystem::remove(state_path, ec);
  }
  print_line({{"type", "removed"},
              {"device_id", (*connection)->device_id()},
              {"reason", remover.reason()}});
  return kExitOk;
}

}  // namespace twostep::client::cli
