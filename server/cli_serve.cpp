// `twostep serve`: load the configuration, build the App and its routes, and run the HTTPS
// server until SIGTERM/SIGINT (SIGHUP reloads: server/reload.hpp).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/log.hpp"
#include "server/app.hpp"
#include "server/certificate.hpp"
#include "server/cli.hpp"
#include "server/cluster_wiring.hpp"
#include "server/data_dir_lock.hpp"
#include "server/device_gateway.hpp"
#include "server/reload.hpp"
#include "server/server.hpp"
#include "server/stale_sweeper.hpp"

namespace twostep::server {
namespace {

namespace fs = std::filesystem;

// Written atomically (temporary file + rename) so a test or script polling for the file
// never reads a partial number.
void write_port_file(const fs::path& path, std::uint16_t port) {
  fs::path tmp = path;
  tmp += ".tmp";
  std::string text = std::to_string(port) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) throw core::ConfigError("cannot write " + path.string());
}

std::string url_authority(const std::string& address, std::uint16_t port) {
  bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

int serve(const Args& args) {
  core::Config config = load_config(args);
  core::set_log_level(core::parse_log_level(config.log_level));
  // Held until exit: `admin restore` refuses to run while a server has the data dir.
  const DataDirLock data_dir_lock = DataDirLock::for_server(config.data_dir);
  App app(config);
  Router router;
  register_routes(router, app);
  Server server(app.config, router, *app.authenticator, app.metrics, app.random, app.clock);
  // Destroyed before `server`: stops the push runtime while the connections still exist.
  auto device_endpoint = start_device_websocket(server, app);
  // Destroyed first: replays nothing into the hub once the sessions are going away.
  auto cluster_listener = start_cluster_listener(app);
  if (app.config.public_url.empty()) {
    // With port 0 the configured listen address does not say where we are reachable.
    std::string host = url_host(app.config.base_url());
    app.config.public_url = "https://" + url_authority(host, server.port());
  }
  write_port_file(app.config.data_dir / "listen.port", server.port());
  std::cout << "twostep listening on https://" << url_authority(server.address(), server.port())
            << " (public URL " << app.config.base_url() << ")" << std::endl;
  core::log(core::LogLevel::kInfo, "listening",
            {{"address", server.address()},
             {"port", std::to_string(server.port())},
             {"public_url", app.config.base_url()}});
  StaleSweeper stale_sweeper(app);  // stale_device_days, when set
  reload_on_sighup(server, app, [&args] { return load_config(args); });
  server.run();
  return 0;
}

}  // namespace

void register_serve_command(Cli& cli) {
  std::vector<FlagSpec> flags = data_dir_flags();
  flags.push_back({"--listen", "ADDR:PORT",
                   "Address to listen on (default 0.0.0.0:8443; port 0 picks a free port)"});
  flags.push_back(
      {"--public-url", "URL", "Externally visible https:// base URL (default: from --listen)"});
  cli.add(Command{{"serve"},
                  "Run the HTTPS server",
                  "Runs the twostep HTTPS server until SIGTERM or SIGINT. Settings come from the "
                  "defaults, then the --config file, then the flags. The bound port is also "
                  "written to DATA_DIR/listen.port.",
                  {},
                  std::move(flags),
                  serve});
}

}  // namespace twostep::server
