#include "bench/load_bench/totp_load.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "tests/integration/push_support.hpp"

namespace twostep::bench {

CodeTable CodeTable::read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::size_t steps = 0;
  CodeTable table;
  if (!(in >> table.first_step_ >> steps)) throw std::runtime_error("cannot read " + file.string());
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    User user;
    fields >> user.name;
    for (std::string code; fields >> code;) user.codes.push_back(code);
    if (user.codes.empty()) throw std::runtime_error("no codes for " + user.name);
    table.users_.push_back(std::move(user));
  }
  if (table.users_.empty()) throw std::runtime_error(file.string() + " has no users");
  return table;
}

const std::string& CodeTable::current_code(std::size_t user) const {
  const auto& codes = users_[user].codes;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::int64_t step = std::chrono::duration_cast<std::chrono::seconds>(now).count() / 30;
  const auto index =
      std::clamp<std::int64_t>(step - first_step_, 0, static_cast<std::int64_t>(codes.size()) - 1);
  return codes[static_cast<std::size_t>(index)];
}

namespace {

std::string outcome_of(const itest::Response& response) {
  if (response.status != 200) return "http_" + std::to_string(response.status);
  const std::string status = response.str("status");
  const std::string reason = response.str("reason");
  return reason.empty() ? status : status + ":" + reason;
}

}  // namespace

RoundTrip totp_worker(std::uint16_t port, const std::string& key, const CodeTable& codes) {
  auto api = std::make_shared<itest::Api>(port);
  return [api, key, &codes](std::size_t index, Clock::time_point) {
    const std::size_t user = index % codes.users();
    const std::string body = boost::json::serialize(boost::json::object{
        {"username", codes.username(user)}, {"code", codes.current_code(user)}});
    Sample sample;
    try {
      const itest::Response response = api->request("POST", "/v1/auth/totp", key, body);
      sample.outcome = outcome_of(response);
      if (response.status == 0 || response.status >= 500) sample.error = sample.outcome;
    } catch (const std::exception& e) {
      sample.error = e.what();
    }
    sample.finished = Clock::now();
    return sample;
  };
}

}  // namespace twostep::bench
