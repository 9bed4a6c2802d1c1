// Subcommand table, flag parsing and help output.
#include "server/cli.hpp"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <ostream>

namespace twostep::server {
namespace {

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

bool starts_with(const std::vector<std::string>& words, const std::vector<std::string>& prefix) {
  return prefix.size() <= words.size() && std::equal(prefix.begin(), prefix.end(), words.begin());
}

bool is_help(const std::string& word) { return word == "--help" || word == "-h"; }

bool wants_help(const std::vector<std::string>& words) {
  for (const auto& w : words) {
    if (w == "--") return false;
    if (is_help(w)) return true;
  }
  return false;
}

std::string flag_usage(const FlagSpec& flag) {
  return flag.value_name.empty() ? flag.name : flag.name + " " + flag.value_name;
}

}  // namespace

std::optional<std::string> Args::get(std::string_view flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end()) return std::nullopt;
  return it->second;
}

void Cli::add(Command command) {
  for (const auto& existing : commands_) {
    if (existing.path == command.path) {
      throw std::logic_error("command registered twice: " + join(command.path));
    }
  }
  commands_.push_back(std::move(command));
}

const Command* Cli::find(const std::vector<std::string>& words, std::size_t& used) const {
  const Command* best = nullptr;
  for (const auto& command : commands_) {
    if (starts_with(words, command.path) && (!best || command.path.size() > best->path.size())) {
      best = &command;
    }
  }
  used = best ? best->path.size() : 0;
  return best;
}

bool Cli::is_group(const std::vector<std::string>& prefix) const {
  return std::any_of(commands_.begin(), commands_.end(), [&](const Command& c) {
    return c.path.size() > prefix.size() && starts_with(c.path, prefix);
  });
}

void Cli::print_overview(std::ostream& os, const std::vector<std::string>& prefix) const {
  std::string name = join(prefix);
  os << "twostep — two-step verification server\n\n"
     << "Usage: twostep " << (name.empty() ? "" : name + " ") << "COMMAND [FLAGS]\n\n"
     << "Commands:\n";
  std::vector<const Command*> listed;
  for (const auto& command : commands_) {
    if (starts_with(command.path, prefix)) listed.push_back(&command);
  }
  std::sort(listed.begin(), listed.end(),
            [](const Command* a, const Command* b) { return a->path < b->path; });
  for (const Command* command : listed) {
    os << "  " << std::left << std::setw(24) << join(command->path) << command->summary << '\n';
  }
  os << "\nRun 'twostep COMMAND --help' for a command's flags.\n";
}

void Cli::print_help(std::ostream& os, const Command& command) {
  os << "Usage: twostep " << join(command.path);
  for (const auto& flag : command.flags) os << " [" << flag_usage(flag) << "]";
  for (const auto& name : command.positional_names) os << ' ' << name;
  os << "\n\n"
     << (command.description.empty() ? command.summary : command.description) << "\n\nFlags:\n";
  for (const auto& flag : command.flags) {
    os << "  " << std::left << std::setw(26) << flag_usage(flag) << flag.help << '\n';
  }
  os << "  " << std::left << std::setw(26) << "-h, --help"
     << "Show this help\n";
}

Args Cli::parse(const Command& command, const std::vector<std::string>& words) {
  Args args;
  bool flags_done = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (!flags_done && word == "--") {
      flags_done = true;
      continue;
    }
    if (flags_done || word.size() < 2 || word[0] != '-') {
      args.positional_.push_back(word);
      continue;
    }
    const std::size_t eq = word.find('=');
    const std::string name = word.substr(0, eq);
    auto spec = std::find_if(command.flags.begin(), command.flags.end(),
                             [&](const FlagSpec& f) { return f.name == name; });
    if (spec == command.flags.end()) throw UsageError("unknown flag " + name);
    std::string value;
    if (spec->value_name.empty()) {
      if (eq != std::string::npos) throw UsageError("flag " + name + " takes no value");
    } else if (eq != std::string::npos) {
      value = word.substr(eq + 1);
    } else if (i + 1 < words.size()) {
      value = words[++i];
    } else {
      throw UsageError("flag " + name + " needs a value (" + spec->value_name + ")");
    }
    if (!args.flags_.emplace(name, std::move(value)).second) {
      throw UsageError("flag " + name + " given twice");
    }
  }
  const auto& names = command.positional_names;
  if (args.positional_.size() < names.size()) {
    throw UsageError("missing " + names[args.positional_.size()]);
  }
  if (args.positional_.size() > names.size()) {
    throw UsageError("unexpected argument '" + args.positional_[names.size()] + "'");
  }
  return args;
}

int Cli::run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) const {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    print_overview(err, {});
    return 2;
  }
  if (is_help(words[0]) || words[0] == "help") {
    print_overview(out, {});
    return 0;
  }
  if (words[0] == "--version") {
    out << version_string() << '\n';
    return 0;
  }
  std::size_t used = 0;
  const Command* command = find(words, used);
  if (command == nullptr) {
    std::vector<std::string> group;
    while (group.size() < words.size() && words[group.size()][0] != '-') {
      group.push_back(words[group.size()]);
      if (!is_group(group)) {
        group.pop_back();
        break;
      }
    }
    if (group.empty()) {
      err << "twostep: unknown command '" << words[0]
          << "'\nRun 'twostep --help' for the list of commands.\n";
      return 2;
    }
    if (wants_help(words)) {
      print_overview(out, group);
      return 0;
    }
    const bool more = group.size() < words.size();
    err << "twostep " << join(group) << ": "
        << (more ? "unknown subcommand '" + words[group.size()] + "'" : "missing subcommand")
        << "\n\n";
    print_overview(err, group);
    return 2;
  }
  std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(used), words.end());
  if (wants_help(rest)) {
    print_help(out, *command);
    return 0;
  }
  try {
    return command->run(parse(*command, rest));
  } catch (const UsageError& e) {
    err << "twostep " << join(command->path) << ": " << e.what() << "\nRun 'twostep "
        << join(command->path) << " --help' for usage.\n";
    return 2;
  } catch (const core::ConfigError& e) {
    err << "twostep: configuration error: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    err << "twostep: error: " << e.what() << '\n';
    return 1;
  }
}

std::vector<FlagSpec> data_dir_flags() {
  return {
      {"--config", "FILE", "TOML configuration file; flags override its settings"},
      {"--data-dir", "DIR", "Data directory (master key, certificate, SQLite database)"},
      {"--db", "URL", "sqlite:PATH or postgresql://… (default: sqlite in the data dir)"},
  };
}

core::Config load_config(const Args& args) {
  core::Config config;
  if (auto file = args.get("--config")) config = core::load_config_file(*file, config);
  if (auto listen = args.get("--listen")) {
    try {
      core::split_host_port(*listen);
    } catch (const core::ConfigError& e) {
      throw UsageError(std::string("--listen: ") + e.what());
    }
    config.listen = *listen;
  }
  if (auto dir = args.get("--data-dir")) {
    if (dir->empty()) throw UsageError("--data-dir must not be empty");
    config.data_dir = *dir;
  }
  if (auto db = args.get("--db")) {
    if (!db->starts_with("sqlite:") && !db->starts_with("postgresql://") &&
        !db->starts_with("postgres://")) {
      throw UsageError("--db must be sqlite:PATH or a postgresql:// URL");
    }
    config.db = *db;
  }
  if (auto url = args.get("--public-url")) {
    if (!url->starts_with("https://") || url->size() <= 8) {
      throw UsageError("--public-url must be an https:// URL");
    }
    config.public_url = *url;
  }
  return config;
}

std::string version_string() { return std::string("twostep ") + TWOSTEP_VERSION; }

void register_version_command(Cli& cli) {
  cli.add(Command{{"version"}, "Print the version", {}, {}, {}, [](const Args&) {
                    std::cout << version_string() << std::endl;
                    return 0;
                  }});
}

}  // namespace twostep::server
