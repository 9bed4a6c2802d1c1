// load_bench: open-loop loads of docs/BENCHMARKS.md (run by scripts/bench).
//
//   load_bench push --states DIR --devices N --port P --app-key KEY
//                          [--ca CERT] [--rate 200] [--count 4000] [--workers 32]
//                          [--source-addresses 1]
//     holds the first N devices of DIR (state files from bench/provision.py, the device of
//     user benchNNNNN in NNNNN.json) connected to the server on 127.0.0.1:P, then runs
//     `count` round trips at `rate` per second, each for the next user in turn: POST
//     /v1/auth/push, the device approves with the number, GET /v1/auth/transactions/{txid}
//     ?wait=30 returns "approved".
//   load_bench push-baseline [--rate 200] [--count 4000] [--workers 32]
//     the same round trips through the in-process pipeline of push_baseline.hpp.
//   load_bench totp --port P --app-key KEY --codes FILE [--rate R] [--count N] [--workers 32]
//     POST /v1/auth/totp at a fixed rate over `workers` connections of one event loop
//     (totp_load.hpp).
//
// Prints one JSON object: the run's parameters and run_open_loop()'s figures.
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include "bench/load_bench/number_book.hpp"
#include "bench/load_bench/push_baseline.hpp"
#include "bench/load_bench/totp_load.hpp"
#include "client/fleet.hpp"
#include "client/load.hpp"
#include "core/random.hpp"
#include "tests/integration/push_support.hpp"

namespace twostep::bench {
namespace {

using Flags = std::map<std::string, std::string, std::less<>>;

Flags parse_flags(int argc, char** argv) {
  if (argc % 2 != 0) throw std::invalid_argument("every --flag needs a value");
  Flags flags;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string_view name = argv[i];
    if (!name.starts_with("--")) {
      throw std::invalid_argument("expected --flag, got " + std::string(name));
    }
    flags[std::string(name.substr(2))] = argv[i + 1];
  }
  return flags;
}

std::string required(const Flags& flags, std::string_view name) {
  const auto it = flags.find(name);
  if (it == flags.end()) throw std::invalid_argument("missing --" + std::string(name));
  return it->second;
}

std::size_t number(const Flags& flags, std::string_view name, std::size_t fallback) {
  const auto it = flags.find(name);
  return it == flags.end() ? fallback : std::stoul(it->second);
}

OpenLoopPlan plan_of(const Flags& flags) {
  return {static_cast<double>(number(flags, "rate", 200)), number(flags, "count", 4000),
          number(flags, "workers", 32)};
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::string username(std::size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "bench%05zu", index);
  return name;
}

// One application connection's round trip for user `index mod devices`.
Sample server_round_trip(itest::Application& app, NumberBook& book, std::size_t user) {
  const itest::Response created = app.push(username(user));
  Sample sample;
  if (created.status != 202) {
    sample.finished = Clock::now();
    sample.error = "push " + std::to_string(created.status) + " " + created.error_code();
    return sample;
  }
  const std::string txid = created.str("txid");
  book.number_known(txid, created.str("number"));
  const itest::Response status = app.status(txid, 30);
  sample.finished = Clock::now();
  sample.delivered = book.take_delivery(txid);
  if (status.str("status") != "approved") sample.error = "status " + status.body.substr(0, 120);
  return sample;
}

// Connects the fleet and waits (at most two minutes) until every device is ready.
bool connect_all(client::DeviceFleet& fleet) {
  fleet.start();
  for (int i = 0; i < 1200; ++i) {
    const auto stats = fleet.stats();
    if (stats.ready == stats.devices) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

boost::json::object run_server(const Flags& flags) {
  client::LoadPlan load;
  load.states_dir = required(flags, "states");
  load.max_devices = number(flags, "devices", 10000);
  const auto port = static_cast<std::uint16_t>(std::stoul(required(flags, "port")));
  load.server =
      client::parse_url("wss://127.0.0.1:" + std::to_string(port) + "/v1/device/ws").value();
  if (const auto ca = flags.find("ca"); ca != flags.end())
    load.server_tls.ca_file = ca->second;
  else
    load.server_tls.insecure = true;
  load.source_addresses = static_cast<std::uint32_t>(number(flags, "source-addresses", 1));
  auto devices = client::load_devices(load);
  if (!devices) throw std::runtime_error("cannot load the devices: " + devices.error().message);

  boost::asio::io_context io(1);
  core::SystemRandom random;
  NumberBook book;
  client::DeviceFleet fleet(io.get_executor(), random, load.fleet, &book);
  for (std::size_t i = 0; i < devices->size(); ++i) {
    auto& device = (*devices)[i];
    fleet.add(std::move(device.target), std::move(device.identity),
              client::source_address(i, load.source_addresses));
  }
  std::jthread io_thread([&io] {
    auto guard = boost::asio::make_work_guard(io);
    io.run();
  });
  const auto connect_started = Clock::now();
  const bool all_ready = connect_all(fleet);
  const double connect_s = std::chrono::duration<double>(Clock::now() - connect_started).count();
  boost::json::object out;
  if (all_ready) {
    const std::string key = required(flags, "app-key");
    const std::size_t users = devices->size();
    out = run_open_loop(plan_of(flags), [&]() -> RoundTrip {
      auto app = std::make_shared<itest::Application>(port, key);
      return [app, &book, users](std::size_t index, Clock::time_point) {
        return server_round_trip(*app, book, index % users);
      };
    });
  }
  out["devices"] = devices->size();
  out["ready"] = fleet.stats().ready;
  out["connect_seconds"] = connect_s;
  fleet.stop();  // the connections close; give them a few seconds before the loop ends
  for (int i = 0; i < 50 && fleet.stats().stopped < devices->size(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  io.stop();
  return out;
}

boost::json::object run_totp(const Flags& flags) {
  const auto port = static_cast<std::uint16_t>(std::stoul(required(flags, "port")));
  const std::string key = required(flags, "app-key");
  const CodeTable codes = CodeTable::read(required(flags, "codes"));
  boost::json::object out = run_totp_load(plan_of(flags), port, key, codes);
  out["users"] = codes.users();
  return out;
}

}  // namespace
}  // namespace twostep::bench

int main(int argc, char** argv) {
  using namespace twostep::bench;
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    const Flags flags = parse_flags(argc, argv);
    raise_descriptor_limit();
    boost::json::object out;
    if (mode == "push-baseline") {
      out = run_baseline(plan_of(flags));
    } else if (mode == "push") {
      out = run_server(flags);
    } else if (mode == "totp") {
      out = run_totp(flags);
    } else {
      throw std::invalid_argument("usage: load_bench push|push-baseline|totp [--flag value]…");
    }
    out["mode"] = mode;
    std::cout << boost::json::serialize(out) << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "load_bench: " << e.what() << '\n';
    return 2;
  }
}
