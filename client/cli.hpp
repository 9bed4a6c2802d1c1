// The twostep-device command line: the reference companion app (SPEC.md capability 14) and
// the load generator. One function per subcommand; shared helpers for flags and output.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <boost/json/object.hpp>

#include "client/args.hpp"
#include "client/tls_options.hpp"
#include "core/error.hpp"

namespace twostep::client::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;      // the operation failed (message on stderr)
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitDeactivated = 3;  // the server deactivated the device (4403)
inline constexpr int kExitRejected = 4;     // the server does not accept this device (4401)
inline constexpr int kExitTimeout = 5;      // a --timeout ran out before the work was done

/// The whole program: `args` are the words after the program name.
int run(std::span<const std::string_view> args);

int activate_command(std::span<const std::string_view> args);
int code_command(std::span<const std::string_view> args);
int listen_command(std::span<const std::string_view> args);
int remove_command(std::span<const std::string_view> args);
int load_command(std::span<const std::string_view> args);

/// Parses a subcommand's flags. Returns the exit code when the command is already over:
/// --help printed `help` (0), or a usage error was reported (kExitUsage).
std::optional<int> parse_flags(std::span<const std::string_view> args,
                               std::span<const FlagSpec> specs, std::string_view help,
                               Args& parsed);
/// Reports a usage problem found after parsing; returns kExitUsage.
int usage_error(std::string_view message);
/// Reports `error` on stderr; returns kExitFailure.
int failure(std::string_view what, const core::Error& error);
/// Writes one JSON object as a line on stdout, flushed (scripts and tests read it).
void print_line(const boost::json::object& line);
/// A positive integer flag (a count, or seconds): `fallback` when absent, nullopt after
/// reporting a malformed value.
std::optional<std::uint64_t> count_flag(const Args& flags, std::string_view name,
                                        std::uint64_t fallback);
/// --insecure / --ca FILE; nullopt after reporting a conflict.
std::optional<TlsOptions> tls_flags(const Args& args);

}  // namespace twostep::client::cli
