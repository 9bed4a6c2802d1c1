#include "client/cli.hpp"

#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <boost/json/serialize.hpp>

#include "client/activation.hpp"
#include "client/qr_decode.hpp"
#include "client/state.hpp"
#include "core/clock.hpp"
#include "totp/otp.hpp"

#ifndef TWOSTEP_VERSION
#define TWOSTEP_VERSION "0.0.0"
#endif

namespace twostep::client::cli {
namespace {

constexpr std::string_view kProgramHelp = R"(Usage: twostep-device COMMAND [FLAGS]

The twostep companion app: behaves like the phone app, for tests, scripts and load.

Commands:
  activate   activate this device from a QR image or an activation URI
  code       print the current TOTP code
  listen     hold the connection; show push requests and answer them
  remove     remove this device's account from the server
  load       hold many devices' connections at once (benchmarks)

Run 'twostep-device COMMAND --help' for a command's flags.
)";

constexpr std::string_view kActivateHelp =
    R"(Usage: twostep-device activate --state FILE (--qr PNG | --uri URI) [FLAGS]

Activates a new device with the server named in the activation URI and writes its key and
TOTP secret to FILE (mode 0600). Prints {"type":"activated",...} on success.

  --state FILE        where to keep the device's state (refused if it exists, unless --force)
  --qr PNG            read the activation URI from a QR code image (needs zbarimg)
  --uri URI           the activation URI: twostep://activate?code=...&url=...
  --name NAME         device name shown to the user (default: the host name)
  --platform NAME     platform reported to the server (default: linux)
  --app-version V     app version reported to the server (default: this program's)
  --insecure          accept the server's certificate unchecked, then pin its key
  --ca FILE           trust the CA certificates in FILE instead of the system store
  --force             replace an existing state file
)";

constexpr std::string_view kCodeHelp = R"(Usage: twostep-device code --state FILE [--time UNIX]

Prints the device's TOTP code for now (or for the Unix time given).
)";

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "twostep-device";
  return name.data();
}

core::Result<ActivationUri> activation_uri_from(const Args& args) {
  if (const auto image = args.value("qr")) {
    auto text = decode_qr_image(*image);
    if (!text) return std::unexpected(text.error());
    return parse_activation_uri(*text);
  }
  return parse_activation_uri(*args.value("uri"));
}

constexpr std::array kActivateFlags{FlagSpec{"state", true},     FlagSpec{"qr", true},
                                    FlagSpec{"uri", true},       FlagSpec{"name", true},
                                    FlagSpec{"platform", true},  FlagSpec{"app-version", true},
                                    FlagSpec{"insecure", false}, FlagSpec{"ca", true},
                                    FlagSpec{"force", false},    FlagSpec{"help", false}};

constexpr std::array kCodeFlags{FlagSpec{"state", true}, FlagSpec{"time", true},
                                FlagSpec{"help", false}};

}  // namespace

int run(std::span<const std::string_view> args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kProgramHelp;
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    std::cout << "twostep-device " << TWOSTEP_VERSION << "\n";
    return kExitOk;
  }
  const std::string_view command = args[0];
  const auto rest = args.subspan(1);
  if (command == "activate") return activate_command(rest);
  if (command == "code") return code_command(rest);
  if (command == "listen") return listen_command(rest);
  if (command == "remove") return remove_command(rest);
  if (command == "load") return load_command(rest);
  return usage_error("unknown command '" + std::string(command) + "'");
}

std::optional<int> parse_flags(std::span<const std::string_view> args,
                               std::span<const FlagSpec> specs, std::string_view help,
                               Args& parsed) {
  auto result = Args::parse(args, specs);
  if (!result) return usage_error(result.error().message);
  if (result->has("help")) {
    std::cout << help;
    return kExitOk;
  }
  parsed = std::move(*result);
  return std::nullopt;
}

int usage_error(std::string_view message) {
  std::cerr << "twostep-device: " << message << "\nTry 'twostep-device --help'.\n";
  return kExitUsage;
}

int failure(std::string_view what, const core::Error& error) {
  std::cerr << "twostep-device: " << what << ": " << error.message;
  if (!error.code.empty()) std::cerr << " [" << error.code << "]";
  std::cerr << "\n";
  return kExitFailure;
}

void print_line(const boost::json::object& line) {
  std::cout << boost::json::serialize(line) << std::endl;
}

std::optional<std::uint64_t> count_flag(const Args& flags, std::string_view name,
                                        std::uint64_t fallback) {
  const auto value = flags.value(name);
  if (!value) return fallback;
  std::uint64_t number = 0;
  const auto* end = value->data() + value->size();
  if (auto [ptr, ec] = std::from_chars(value->data(), end, number);
      ec != std::errc{} || ptr != end || number == 0) {
    usage_error("--" + std::string(name) + " needs a positive number");
    return std::nullopt;
  }
  return number;
}

std::optional<TlsOptions> tls_flags(const Args& args) {
  TlsOptions tls;
  tls.insecure = args.has("insecure");
  tls.ca_file = args.value("ca").value_or("");
  if (tls.insecure && args.has("ca")) {
    usage_error("--insecure and --ca exclude each other");
    return std::nullopt;
  }
  return tls;
}

int activate_command(std::span<const std::string_view> args) {
  Args flags;
  if (auto done = parse_flags(args, kActivateFlags, kActivateHelp, flags)) return *done;
  if (!flags.has("state")) return usage_error("activate needs --state FILE");
  if (flags.has("qr") == flags.has("uri")) return usage_error("activate needs --qr or --uri");
  const auto tls = tls_flags(flags);
  if (!tls) return kExitUsage;
  const std::filesystem::path state_path = *flags.value("state");
  std::error_code ec;
  if (std::filesystem::exists(state_path, ec) && !flags.has("force")) {
    std::cerr << "twostep-device: " << state_path.string()
              << " already exists (use --force to replace it)\n";
    return kExitFailure;
  }
  auto uri = activation_uri_from(flags);
  if (!uri) return failure("cannot read the activation URI", uri.error());
  ActivationRequest request{
      std::move(*uri),
      {flags.value("name").value_or(host_name()), flags.value("platform").value_or("linux"),
       flags.value("app-version").value_or(TWOSTEP_VERSION)},
      *tls};
  auto state = activate_device_blocking(request);
  if (!state) return failure("activation failed", state.error());
  if (auto saved = save_state(state_path, *state); !saved) {
    return failure("cannot save the state", saved.error());
  }
  print_line({{"type", "activated"},
              {"device_id", state->device_id},
              {"user",
               {{"id", state->user.id},
                {"username", state->user.username},
                {"display_name", state->user.display_name}}},
              {"ws_url", state->ws_url}});
  return kExitOk;
}

int code_command(std::span<const std::string_view> args) {
  Args flags;
  if (auto done = parse_flags(args, kCodeFlags, kCodeHelp, flags)) return *done;
  if (!flags.has("state")) return usage_error("code needs --state FILE");
  std::int64_t now = core::unix_seconds(core::SystemClock().now());
  if (const auto time = flags.value("time")) {
    const auto* end = time->data() + time->size();
    if (auto [ptr, ec] = std::from_chars(time->data(), end, now); ec != std::errc{} || ptr != end) {
      return usage_error("--time needs a Unix time in seconds");
    }
  }
  auto state = load_state(*flags.value("state"));
  if (!state) return failure("cannot load the state", state.error());
  auto code = totp::totp_code(state->totp_secret.view(), state->totp, now);
  if (!code) return failure("cannot compute the code", code.error());
  std::cout << *code << std::endl;
  return kExitOk;
}

}  // namespace twostep::client::cli
