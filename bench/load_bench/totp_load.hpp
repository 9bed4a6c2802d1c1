// The TOTP verification load at a fixed rate: POST /v1/auth/totp for the users of
// bench/provision.py's codes.txt in turn, each with its code for the current 30-second step
// (the requests of bench/totp.lua, which wrk sends as fast as it can). Used for the latency
// at a given share of the peak that wrk measured.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "bench/load_bench/open_loop.hpp"

namespace twostep::bench {

/// codes.txt: "FIRST_STEP COUNT", then "USERNAME CODE…" with a code per step from FIRST_STEP.
class CodeTable {
 public:
  static CodeTable read(const std::filesystem::path& file);
  std::size_t users() const { return users_.size(); }
  const std::string& username(std::size_t user) const { return users_[user].name; }
  /// The user's code for the current step (the last one known once they run out).
  const std::string& current_code(std::size_t user) const;

 private:
  struct User {
    std::string name;
    std::vector<std::string> codes;
  };
  std::int64_t first_step_ = 0;
  std::vector<User> users_;
};

/// Runs the plan against 127.0.0.1:port with `key` as the application's credential, over
/// `plan.workers` keep-alive TLS connections driven by one event loop (a thread per
/// connection let a busy generator core delay the sends themselves): each request is due at
/// its time and goes out on the first free connection, or waits for one, the wait counting
/// in its latency. Outcomes: "approved", "denied:<reason>", "http_<status>". Returns
/// run_open_loop()'s figures.
boost::json::object run_totp_load(const OpenLoopPlan& plan, std::uint16_t port,
                                  const std::string& key, const CodeTable& codes);

}  // namespace twostep::bench
