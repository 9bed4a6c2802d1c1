// twostep-device listen: hold the device's connection, show each request, answer it as told.
#include <unistd.h>

#include <array>
#include <charconv>
#include <deque>
#include <iostream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
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
  --not-me                answer every device_added notice with "not me"
  --exit-after N          exit after N requests were settled (a result or a cancel)
  --no-reconnect          stop at the first disconnection

Exit status: 0 after SIGINT/SIGTERM or --exit-after; 3 when the server deactivated the
device (the reason is printed); 4 when the server does not accept the device; 1 when the
connection ended otherwise.
)";

constexpr std::array kListenFlags{
    FlagSpec{"state", true},      FlagSpec{"approve-with", true},  FlagSpec{"deny", false},
    FlagSpec{"fraud", false},     FlagSpec{"interactive", false},  FlagSpec{"not-me", false},
    FlagSpec{"exit-after", true}, FlagSpec{"no-reconnect", false}, FlagSpec{"help", false}};

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

struct Policy {
  std::optional<Decision> decision;  // answer every request this way
  std::string number;                // with this number (approve)
  bool interactive = false;
  bool not_me = false;
  std::uint64_t exit_after = 0;
};

// Reacts to one device's events. Everything runs on one thread (the command runs its
// io_context on the main thread), so the stdin reader and the events share state freely.
class Listener final : public DeviceEvents {
 public:
  Listener(Policy policy, asio::signal_set& signals)
      : policy_(std::move(policy)), signals_(signals) {}

  void set_input(asio::posix::stream_descriptor* input) { input_ = input; }
  void stop_by_request(DeviceConnection& connection) {
    exit_code_ = kExitOk;
    connection.stop();
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
    const std::string txid = waiting_.front();
    waiting_.pop_front();
    answer(connection, txid, decision.value_or(Decision::kApprove), decision ? "" : line);
    prompt();
  }

  void on_ready(DeviceConnection& connection, std::int64_t pending) override {
    print_line({{"type", "ready"}, {"device_id", connection.device_id()}, {"pending", pending}});
  }
  void on_push(DeviceConnection& connection, const PushRequest& push) override {
    print_line(push_line(push));
    if (policy_.decision) {
      answer(connection, push.txid, *policy_.decision, policy_.number);
    } else if (policy_.interactive) {
      waiting_.push_back(push.txid);
      if (waiting_.size() == 1) prompt();
    }
  }
  void on_cancel(DeviceConnection& connection, const Cancel& cancel) override {
    print_line({{"type", "cancel"}, {"txid", cancel.txid}});
    std::erase(waiting_, cancel.txid);
    settled(connection);
  }
  void on_result(DeviceConnection& connection, const PushResult& result) override {
    print_line({{"type", "result"}, {"txid", result.txid}, {"status", result.status}});
    settled(connection);
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
    if (input_ != nullptr) input_->close(ignored);
  }

 private:
  void answer(DeviceConnection& connection, const std::string& txid, Decision decision,
              std::string_view number) {
    connection.respond(txid, decision, std::string(number));
    print_line({{"type", "answered"}, {"txid", txid}, {"decision", decision_name(decision)}});
  }
  void settled(DeviceConnection& connection) {
    if (policy_.exit_after != 0 && ++settled_ >= policy_.exit_after) stop_by_request(connection);
  }
  void prompt() const {
    if (!waiting_.empty()) {
      std::cerr << "Type the number shown on the sign-in screen, or 'deny' or 'fraud': "
                << std::flush;
    }
  }

  Policy policy_;
  asio::signal_set& signals_;
  asio::posix::stream_descriptor* input_ = nullptr;
  std::deque<std::string> waiting_;
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
  policy.interactive = flags.has("interactive");
  policy.not_me = flags.has("not-me");
  if (const auto count = flags.value("exit-after")) {
    const auto* end = count->data() + count->size();
    if (auto [ptr, ec] = std::from_chars(count->data(), end, policy.exit_after);
        ec != std::errc{} || ptr != end || policy.exit_after == 0) {
      usage_error("--exit-after needs a positive count");
      return std::nullopt;
    }
  }
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
  Listener listener(*policy, signals);
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
  (*connection)->start();
  io.run();
  return listener.exit_code();
}

}  // namespace twostep::client::cli
