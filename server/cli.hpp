// The `twostep` command line: a table of subcommands ("serve", "version", "admin token
// create", …), each with its flags and help text. Every area registers its commands from
// its own file (register_serve_command in cli_serve.cpp, register_admin_commands in
// cli_admin.cpp); main.cpp calls the registration functions. Usage errors (unknown
// command or flag, missing value, wrong number of arguments) print a clear message on
// stderr and exit with status 2; `--help` works on every level.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"

namespace twostep::server {

/// Thrown by a command for a bad invocation; the CLI prints it and exits with status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One flag of a command: "--name VALUE" or "--name=VALUE", or a switch when value_name
/// is empty.
struct FlagSpec {
  std::string name;        // "--display-name"
  std::string value_name;  // "NAME"; "" for a switch
  std::string help;
};

/// The parsed arguments of one command.
class Args {
 public:
  /// The flag's value (for a switch: "" when given), or nullopt when absent.
  std::optional<std::string> get(std::string_view flag) const;
  bool has(std::string_view flag) const { return get(flag).has_value(); }
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  friend class Cli;
  std::map<std::string, std::string, std::less<>> flags_;
  std::vector<std::string> positional_;
};

struct Command {
  std::vector<std::string> path;              // {"admin", "token", "create"}
  std::string summary;                        // one line for the overview
  std::string description;                    // a paragraph for `--help`
  std::vector<std::string> positional_names;  // {"USERNAME"}: all required
  std::vector<FlagSpec> flags;
  /// Runs the command; the return value is the exit status. May throw UsageError (exit 2);
  /// any other exception is printed as an error (exit 1).
  std::function<int(const Args&)> run;
};

class Cli {
 public:
  /// Adds a command; std::logic_error when its path is already taken.
  void add(Command command);
  /// Parses argv and runs the command it names.
  int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) const;

 private:
  const Command* find(const std::vector<std::string>& words, std::size_t& used) const;
  bool is_group(const std::vector<std::string>& prefix) const;
  void print_overview(std::ostream& os, const std::vector<std::string>& prefix) const;
  static void print_help(std::ostream& os, const Command& command);
  static Args parse(const Command& command, const std::vector<std::string>& words);

  std::vector<Command> commands_;
};

/// --config, --data-dir and --db: the flags of every command that opens the data dir.
std::vector<FlagSpec> data_dir_flags();

/// Defaults, then the --config file, then the flags present in `args` (--listen,
/// --data-dir, --db, --public-url). A malformed flag value is a UsageError; a bad config
/// file throws core::ConfigError.
core::Config load_config(const Args& args);

/// Adds `serve` (cli_serve.cpp).
void register_serve_command(Cli& cli);
/// Adds `admin token create` and `admin user add` (cli_admin.cpp).
void register_admin_commands(Cli& cli);
/// Adds `admin backup` and `admin restore` (cli_backup.cpp).
void register_backup_commands(Cli& cli);
/// Adds `admin rotate-master-key` (cli_rotate.cpp).
void register_rotate_command(Cli& cli);
/// Adds `version`.
void register_version_command(Cli& cli);

/// "twostep 0.1.0"
std::string version_string();

}  // namespace twostep::server
