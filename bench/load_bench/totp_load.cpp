#include "bench/load_bench/totp_load.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string outcome_of(const http::response<http::string_body>& response) {
  if (response.result_int() != 200) return "http_" + std::to_string(response.result_int());
  boost::system::error_code ec;
  const boost::json::value body = boost::json::parse(response.body(), ec);
  const boost::json::object* fields = ec ? nullptr : body.if_object();
  auto text = [fields](std::string_view key) -> std::string {
    const boost::json::value* v = fields != nullptr ? fields->if_contains(key) : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const std::string reason = text("reason");
  return reason.empty() ? text("status") : text("status") + ":" + reason;
}

// One keep-alive connection and the request it is carrying.
struct Connection {
  Connection(asio::io_context& io, asio::ssl::context& tls) : stream(io, tls) {}
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
  Clock::time_point due;
  Clock::time_point sent;
};

class TotpLoad {
 public:
  TotpLoad(const OpenLoopPlan& plan, std::uint16_t port, std::string key, const CodeTable& codes)
      : plan_(plan), port_(port), key_(std::move(key)), codes_(codes) {
    tls_.set_verify_mode(asio::ssl::verify_none);  // the bench's self-signed certificate
  }

  boost::json::object run() {
    const asio::ip::tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port_);
    for (std::size_t i = 0; i < plan_.workers; ++i) {
      auto& c = *connections_.emplace_back(std::make_unique<Connection>(io_, tls_));
      c.stream.next_layer().connect(server);
      c.stream.handshake(asio::ssl::stream_base::client);
      idle_.push_back(&c);
    }
    start_ = Clock::now() + std::chrono::milliseconds(200);
    schedule();
    io_.run();
    return log_.summary(plan_, start_);
  }

 private:
  Clock::time_point due(std::size_t index) const {
    const std::chrono::duration<double> offset(static_cast<double>(index) / plan_.rate);
    return start_ + std::chrono::duration_cast<Clock::duration>(offset);
  }

  // Hands out every request that is due, then waits for the next one's time.
  void schedule() {
    const Clock::time_point now = Clock::now();
    while (next_ < plan_.count && due(next_) <= now) dispatch(next_++);
    if (next_ == plan_.count) return;
    timer_.expires_at(due(next_));
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec) schedule();
    });
  }

  void dispatch(std::size_t index) {
    if (idle_.empty()) {
      queue_.push_back(index);
      return;
    }
    Connection* c = idle_.back();
    idle_.pop_back();
    send(*c, index);
  }

  void send(Connection& c, std::size_t index) {
    const std::size_t user = index % codes_.users();
    c.request = {http::verb::post, "/v1/auth/totp", 11};
    c.request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    c.request.set(http::field::authorization, "Bearer " + key_);
    c.request.set(http::field::content_type, "application/json");
    c.request.body() = boost::json::serialize(boost::json::object{
        {"username", codes_.username(user)}, {"code", codes_.current_code(user)}});
    c.request.prepare_payload();
    c.due = due(index);
    c.sent = Clock::now();
    http::async_write(c.stream, c.request, [this, &c](beast::error_code ec, std::size_t) {
      if (ec) return finish(c, ec);
      c.response = {};
      http::async_read(c.stream, c.buffer, c.response,
                       [this, &c](beast::error_code read_ec, std::size_t) { finish(c, read_ec); });
    });
  }

  // Records the answer and gives the connection the next waiting request. A broken
  // connection is not used again; its failure is the sample's error.
  void finish(Connection& c, beast::error_code ec) {
    Sample sample;
    sample.finished = Clock::now();
    if (ec) {
      sample.error = ec.message();
    } else {
      sample.outcome = outcome_of(c.response);
      if (c.response.result_int() >= 500) sample.error = sample.outcome;
    }
    log_.add(c.due, c.sent, sample);
    if (ec) return;
    if (queue_.empty()) {
      idle_.push_back(&c);
      return;
    }
    const std::size_t index = queue_.front();
    queue_.pop_front();
    send(c, index);
  }

  OpenLoopPlan plan_;
  std::uint16_t port_;
  std::string key_;
  const CodeTable& codes_;
  asio::io_context io_{1};
  asio::ssl::context tls_{asio::ssl::context::tls_client};
  asio::steady_timer timer_{io_};
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<Connection*> idle_;
  std::deque<std::size_t> queue_;
  std::size_t next_ = 0;
  Clock::time_point start_;
  SampleLog log_;
};

}  // namespace

boost::json::object run_totp_load(const OpenLoopPlan& plan, std::uint16_t port,
                                  const std::string& key, const CodeTable& codes) {
  return TotpLoad(plan, port, key, codes).run();
}

}  // namespace twostep::bench
