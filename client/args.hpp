// Flags of one twostep-device subcommand: "--name VALUE", "--name=VALUE" and "--switch".
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace twostep::client {

struct FlagSpec {
  std::string_view name;  // without the dashes
  bool takes_value = false;
};

class Args {
 public:
  /// Parses `args` (the words after the subcommand). Error (its message is for the person)
  /// on an unknown or repeated flag, a missing value, or a word that is not a flag.
  static core::Result<Args> parse(std::span<const std::string_view> args,
                                  std::span<const FlagSpec> specs);

  bool has(std::string_view name) const { return values_.contains(std::string(name)); }
  std::optional<std::string> value(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace twostep::client
