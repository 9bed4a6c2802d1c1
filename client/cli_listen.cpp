// twostep-device listen: hold the device's connection, show each request, answer it as told.
#include <unistd.h>

#include <array>
#include <chrono>
#include <deque>
#include <iostream>
#include <set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client/cli.hpp"
#include "client/cli_device.hpp"

namespace twostep::client::cli {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kListenHelp = R"(Usage: twostep-device listen --state FILE [FLAGS]

Holds the device's WebSocket (reconnecting with backoff when it drops) and prints one JSON
object per line on stdout for each event: ready, push (with its context), answered, result,
cancel, notice, error, deactivated, closed.

  --state FILE            the device's state file
  --approve-with NUMBER   approve every request with NUMBER (the number on the sign-in screen)
  --deny                  deny every request
  --fraud                 report every request as fraud
  --interactive           for each request, read the number (or 'deny' / 'fraud') from stdin
                          (the default when stdin is a terminal and no other answer is given)
  --not-me                answer every device_added notice with "not me"
  --exit-after N          exit after N requests were settled (a result or a cancel)
  --timeout S             stop after S seconds, printing {"type":"timeout"}
  --no-reconnect          stop at the first disconnection

Exit status: 0 after SIGINT/SIGTERM, --exit-after, or --timeout without --exit-after; 5 when
--timeout ran out before --exit-after's count was reached; 3 when the server deactivated the
device (the reason is printed); 4 when the server does not accept the device; 1 when the
connection ended otherwise.
)";

constexpr std::array kListenFlags{FlagSpec{"state", true},         FlagSpec{"approve-with", true},
                                  FlagSpec{"deny", false},         FlagSpec{"fraud", false},
                                  FlagSpec{"interactive", false},  FlagSpec{"not-me", false},
                                  FlagSpec{"exit-after", true},    FlagSpec{"timeout", true},
                                  FlagSpec{"no-reconnect", false}, FlagSpec{"help", false}};

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

struct Policy {
  std::optional<Decision> decision;  // answer every request this way
  std::string number;                // with this number (approve)
  bool interactive = false;
  bool not_me = false;
  std::uint64_t exit_after = 0;  // 0: no limit
  std::uint64_t timeout_s = 0;   // 0: no limit
};

// Reacts to one device's events. Everything runs on one thread (the command runs its
// io_context on the main thread), so the stdin reader and the events share state freely.
class Listener final : public DeviceEvents {
 public:
  Listener(Policy policy, asio::signal_set& signals, asio::steady_timer& deadline)
      : policy_(std::move(policy)), signals_(signals), deadline_(deadline) {}

  void set_input(asio::posix::stream_descriptor* input) { input_ = input; }
  void stop_by_request(DeviceConnection& connection) { finish(connection, kExitOk); }
  // --timeout ran out: a failure only when a count of requests was still expected.
  void time_out(DeviceConnection& connection) {
    print_line({{"type", "timeout"}, {"settled", settled_}});
    finish(connection, policy_.exit_after != 0 ? kExitTimeout : kExitOk);
  }
  int exit_code() const { return exit_code_.value_or(kExitFailure); }

  // A line typed for the oldest unanswered request: its number, "deny" or "fraud".
  void answer_line(DeviceConnection& connection, std::string_view line) {
    if (waiting_.empty()) {
      std::cerr << "No request is waiting for an answer.\n";
      return;
    }
    const auto decision = parse_decision(line);
    if (line.empty() || (!decision && line.find_first_not_of("0123456789") != line.npos)) {
      std::cerr << "Type the number shown on the sign-in screen, 'deny' or 'fraud'.\n";
      return;
    }
    const std::string txid = waiting_.front().txid;
    waiting_.pop_front();
    answer(connection, txid, decision.value_or(Decision::kApprove), decision ? "" : line);
    prompt();
  }

  // A new connection: the server delivers every pending request again (an answer sent on a
  // dropped connection may be lost), so each is shown and answered afresh.
  void on_ready(DeviceConnection& connection, std::int64_t pending) override {
    open_.clear();
    waiting_.clear();
    print_line({{"type", "ready"}, {"device_id", connection.device_id()}, {"pending", pending}});
  }
  void on_push(DeviceConnection& connection, const PushRequest& push) override {
    // A push created while the device connects may arrive twice: show and answer it once.
    if (!open_.insert(push.txid).second) return;
    print_line(push_line(push));
    if (policy_.decision) {
      answer(connection, push.txid, *policy_.decision, policy_.number);
    } else if (policy_.interactive) {
      waiting_.push_back(push);
      if (waiting_.size() == 1) prompt();
    }
  }
  void on_cancel(DeviceConnection& connection, const Cancel& cancel) override {
    print_line({{"type", "cancel"}, {"txid", cancel.txid}});
    settled(connection, cancel.txid);
  }
  void on_result(DeviceConnection& connection, const PushResult& result) override {
    print_line({{"type", "result"}, {"txid", result.txid}, {"status", result.status}});
    settled(connection, result.txid);
  }
  void on_notice(DeviceConnection& connection, const Notice& notice) override {
    print_line(notice_line(notice));
    if (policy_.not_me && notice.event == "device_added") {
      connection.not_me(notice.event_id);
      print_line({{"type", "not_me"}, {"event_id", notice.event_id}});
    }
  }
  void on_error(DeviceConnection&, const ServerError& error) override {
    print_line(error_line(error));
  }
  void on_deactivated(DeviceConnection&, const Deactivated& why) override {
    deactivated_ = true;
    print_line({{"type", "deactivated"}, {"reason", why.reason}});
    std::cerr << "twostep-device: the server deactivated this device: " << why.reason << "\n";
  }
  void on_closed(DeviceConnection&, const CloseInfo& info) override {
    print_line(closed_line(info));
    if (!info.final) return;
    if (!exit_code_) exit_code_ = exit_code_for(info, deactivated_);
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    deadline_.cancel();
    if (input_ != nullptr) input_->close(ignored);
  }

 private:
  void answer(DeviceConnection& connection, const std::string& txid, Decision decision,
              std::string_view number) {
    connection.respond(txid, decision, std::string(number));
    print_line({{"type", "answered"}, {"txid", txid}, {"decision", decision_name(decision)}});
  }
  // The request is over (a result, or a cancel); an unknown txid (an answer to a request
  // seen on an earlier connection) counts as well.
  void settled(DeviceConnection& connection, const std::string& txid) {
    open_.erase(txid);
    std::erase_if(waiting_, [&](const PushRequest& push) { return push.txid == txid; });
    ++settled_;
    if (policy_.exit_after != 0 && settled_ >= policy_.exit_after) stop_by_request(connection);
  }
  void finish(DeviceConnection& connection, int code) {
    if (!exit_code_) exit_code_ = code;
    connection.stop();
  }
  // Asks about the oldest waiting request, showing the person what it is.
  void prompt() const {
    if (waiting_.empty()) return;
    const PushContext& context = waiting_.front().context;
    std::cerr << "\nSign-in request from "
              << (context.app.empty() ? "an application" : context.app);
    for (const auto* detail : {&context.ip, &context.location, &context.browser}) {
      if (!detail->empty()) std::cerr << " | " << *detail;
    }
    std::cerr << " (expires " << waiting_.front().expires_at << ")\n"
              << "Type the number shown on the sign-in screen, or 'deny' or 'fraud': "
              << std::flush;
  }

  Policy policy_;
  asio::signal_set& signals_;
  asio::steady_timer& deadline_;
  asio::posix::stream_descriptor* input_ = nullptr;
  std::set<std::string> open_;       // txids shown and not yet settled
  std::deque<PushRequest> waiting_;  // interactive: requests still to be answered
  std::uint64_t settled_ = 0;
  bool deactivated_ = false;
  std::optional<int> exit_code_;
};

asio::awaitable<void> read_answers(asio::posix::stream_descriptor& input, Listener& listener,
                                   std::shared_ptr<DeviceConnection> connection) {
  std::string buffer;
  for (;;) {
    auto [ec, size] =
        co_await asio::async_read_until(input, asio::dynamic_buffer(buffer, 4096), '\n', kNoThrow);
    if (ec) co_return;
    std::string_view line(buffer.data(), size - 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    listener.answer_line(*connection, line);
    buffer.erase(0, size);
  }
}

// Not when the program runs in the background: reading the terminal would stop it (SIGTTIN).
bool stdin_is_foreground_terminal() {
  return ::isatty(STDIN_FILENO) == 1 && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp();
}

std::optional<Policy> policy_from(const Args& flags) {
  Policy policy;
  const int modes = int{flags.has("approve-with")} + int{flags.has("deny")} +
                    int{flags.has("fraud")} + int{flags.has("interactive")};
  if (modes > 1) {
    usage_error("choose one of --approve-with, --deny, --fraud and --interactive");
    return std::nullopt;
  }
  if (const auto number = flags.value("approve-with")) {
    if (number->empty() || number->find_first_not_of("0123456789") != std::string::npos) {
      usage_error("--approve-with needs the number (digits)");
      return std::nullopt;
    }
    policy.decision = Decision::kApprove;
    policy.number = *number;
  }
  if (flags.has("deny")) policy.decision = Decision::kDeny;
  if (flags.has("fraud")) policy.decision = Decision::kFraud;
  // A person at a terminal is asked, as the phone app would; scripts get the quiet default.
  policy.interactive = flags.has("interactive") || (modes == 0 && stdin_is_foreground_terminal());
  policy.not_me = flags.has("not-me");
  const auto exit_after = count_flag(flags, "exit-after", 0);
  const auto timeout = count_flag(flags, "timeout", 0);
  if (!exit_after || !timeout) return std::nullopt;
  policy.exit_after = *exit_after;
  policy.timeout_s = *timeout;
  return policy;
}

}  // namespace

int listen_command(std::span<const std::string_view> args) {
  Args flags;
  if (auto done = parse_flags(args, kListenFlags, kListenHelp, flags)) return *done;
  if (!flags.has("state")) return usage_error("listen needs --state FILE");
  auto policy = policy_from(flags);
  if (!policy) return kExitUsage;

  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer deadline(io);
  Listener listener(*policy, signals, deadline);
  core::SystemRandom random;
  ConnectionOptions options;
  options.reconnect = !flags.has("no-reconnect");
  auto connection = device_from_state_file(io, *flags.value("state"), options, random, listener);
  if (!connection) return failure("cannot open the device", connection.error());

  std::optional<asio::posix::stream_descriptor> input;
  if (policy->interactive) {
    boost::system::error_code ec;
    input.emplace(io);
    input->assign(::dup(STDIN_FILENO), ec);
    if (ec) return usage_error("--interactive needs a terminal or a pipe on stdin");
    listener.set_input(&*input);
    asio::co_spawn(io, read_answers(*input, listener, *connection), asio::detached);
  }
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) listener.stop_by_request(**connection);
  });
  if (policy->timeout_s != 0) {
    deadline.expires_after(std::chrono::seconds(policy->timeout_s));
    deadline.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) listener.time_out(**connection);
    });
  }
  (*connection)->start();
  io.run();
  return listener.exit_code();
}

}  // namespace twostep::client::cli
