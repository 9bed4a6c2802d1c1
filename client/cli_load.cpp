// twostep-device load: hold many activated devices' connections in one process (the WebSocket
// load of the benchmarks), printing counters as JSON lines.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/cli.hpp"
#include "client/fleet.hpp"
#include "client/load.hpp"

namespace twostep::client::cli {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kLoadHelp = R"(Usage: twostep-device load --states DIR [FLAGS]

Connects every device whose state file is in DIR (files sorted by name) from this one
process and keeps them connected, printing a JSON line of counters every few seconds:
{"type":"stats","elapsed_ms":..,"devices":..,"ready":..,...}, and {"type":"all_ready",...}
once every device is authenticated.

  --states DIR            directory of state files (from 'activate')
  --count N               use only the first N state files
  --server URL            connect here instead of each state's ws_url (https:// or wss://)
  --insecure | --ca FILE  trust settings for --server (default: each state's own)
  --duration S            stop after S seconds (default: until SIGINT/SIGTERM)
  --stats-interval S      seconds between counter lines (default 5)
  --max-connecting N      at most N handshakes at once while ramping up (default 200)
  --source-addresses N    spread connections over N source addresses from 127.0.0.1
                          (for a server on loopback, when local ports run short)
  --idle-timeout S        ping after S/2 silent seconds, drop after S (default 60)
  --approve-with NUMBER | --deny | --fraud
                          answer every push request this way (default: leave it)
)";

constexpr std::array kLoadFlags{FlagSpec{"states", true},
                                FlagSpec{"count", true},
                                FlagSpec{"server", true},
                                FlagSpec{"insecure", false},
                                FlagSpec{"ca", true},
                                FlagSpec{"duration", true},
                                FlagSpec{"stats-interval", true},
                                FlagSpec{"max-connecting", true},
                                FlagSpec{"source-addresses", true},
                                FlagSpec{"idle-timeout", true},
                                FlagSpec{"approve-with", true},
                                FlagSpec{"deny", false},
                                FlagSpec{"fraud", false},
                                FlagSpec{"help", false}};

struct LoadFlags {
  LoadPlan plan;
  std::uint64_t duration_s = 0;  // 0: until a signal
  std::uint64_t interval_s = 5;
};

std::optional<LoadFlags> load_flags(const Args& flags) {
  LoadFlags out;
  out.plan.states_dir = *flags.value("states");
  const auto count = count_flag(flags, "count", 0);
  const auto duration = count_flag(flags, "duration", 0);
  const auto interval = count_flag(flags, "stats-interval", 5);
  const auto connecting = count_flag(flags, "max-connecting", 200);
  const auto sources = count_flag(flags, "source-addresses", 1);
  const auto idle = count_flag(flags, "idle-timeout", 60);
  if (!count || !duration || !interval || !connecting || !sources || !idle) return std::nullopt;
  if (flags.has("approve-with") + flags.has("deny") + flags.has("fraud") > 1) {
    usage_error("choose one of --approve-with, --deny and --fraud");
    return std::nullopt;
  }
  out.plan.max_devices = *count;
  out.duration_s = *duration;
  out.interval_s = *interval;
  out.plan.fleet.max_connecting = *connecting;
  out.plan.source_addresses =
      static_cast<std::uint32_t>(std::min<std::uint64_t>(*sources, 1u << 24));
  out.plan.fleet.connection.idle_timeout = std::chrono::seconds(*idle);
  if (const auto server = flags.value("server")) {
    auto url = parse_url(*server);
    if (!url) {
      usage_error("--server: " + url.error().message);
      return std::nullopt;
    }
    out.plan.server = device_ws_url(*url);
    const auto tls = tls_flags(flags);
    if (!tls) return std::nullopt;
    out.plan.server_tls = *tls;
  } else if (flags.has("insecure") || flags.has("ca")) {
    usage_error("--insecure and --ca go with --server");
    return std::nullopt;
  }
  if (const auto number = flags.value("approve-with")) {
    out.plan.answer = AutoAnswer{Decision::kApprove, *number};
  }
  if (flags.has("deny")) out.plan.answer = AutoAnswer{Decision::kDeny, ""};
  if (flags.has("fraud")) out.plan.answer = AutoAnswer{Decision::kFraud, ""};
  return out;
}

// Every device holds a socket: lift the soft descriptor limit to the hard one (the default
// soft limit of 1024 would stop a load run long before memory does).
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

boost::json::object stats_line(const FleetStats& stats, std::chrono::milliseconds elapsed) {
  return {{"type", "stats"},
          {"elapsed_ms", elapsed.count()},
          {"devices", stats.devices},
          {"ready", stats.ready},
          {"stopped", stats.stopped},
          {"ready_events", stats.ready_events},
          {"disconnects", stats.disconnects},
          {"pushes", stats.pushes},
          {"cancels", stats.cancels},
          {"results", stats.results},
          {"notices", stats.notices},
          {"errors", stats.errors}};
}

}  // namespace

int load_command(std::span<const std::string_view> args) {
  Args flags;
  if (auto done = parse_flags(args, kLoadFlags, kLoadHelp, flags)) return *done;
  if (!flags.has("states")) return usage_error("load needs --states DIR");
  auto parsed = load_flags(flags);
  if (!parsed) return kExitUsage;

  raise_descriptor_limit();
  asio::io_context io(1);
  core::SystemRandom random;
  auto load = LoadRun::create(io.get_executor(), random, parsed->plan);
  if (!load) return failure("cannot prepare the devices", load.error());
  LoadRun& run = **load;

  const auto started = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started);
  };
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer ticker(io);
  asio::steady_timer stopper(io);
  bool all_ready_reported = false;
  // Ends the run: the timers and the signal wait go away, and once every connection has
  // closed the io_context runs out of work.
  const auto finish = [&] {
    boost::system::error_code ignored;
    signals.cancel(ignored);
    ticker.cancel();
    stopper.cancel();
    run.fleet().stop();
  };
  std::function<void()> tick = [&] {
    const FleetStats stats = run.fleet().stats();
    print_line(stats_line(stats, elapsed()));
    if (!all_ready_reported && stats.ready == stats.devices) {
      all_ready_reported = true;
      print_line(
          {{"type", "all_ready"}, {"devices", stats.devices}, {"elapsed_ms", elapsed().count()}});
    }
    ticker.expires_after(std::chrono::seconds(parsed->interval_s));
    ticker.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) finish();
  });
  if (parsed->duration_s != 0) {
    stopper.expires_after(std::chrono::seconds(parsed->duration_s));
    stopper.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) finish();
    });
  }
  run.fleet().start();
  tick();
  io.run();
  print_line(stats_line(run.fleet().stats(), elapsed()));
  return kExitOk;
}

}  // namespace twostep::client::cli
