#include "client/args.hpp"

#include <algorithm>

namespace twostep::client {
namespace {

core::Error usage(std::string message) {
  return core::Error{core::ErrorKind::kInvalidInput, "usage", std::move(message), {}, {}};
}

}  // namespace

core::Result<Args> Args::parse(std::span<const std::string_view> args,
                               std::span<const FlagSpec> specs) {
  Args parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view word = args[i];
    if (!word.starts_with("--") || word.size() == 2) {
      return std::unexpected(usage("unexpected argument '" + std::string(word) + "'"));
    }
    word.remove_prefix(2);
    std::optional<std::string_view> inline_value;
    if (const auto eq = word.find('='); eq != std::string_view::npos) {
      inline_value = word.substr(eq + 1);
      word = word.substr(0, eq);
    }
    const auto spec =
        std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == word; });
    const std::string flag = "--" + std::string(word);
    if (spec == specs.end()) return std::unexpected(usage("unknown flag " + flag));
    if (parsed.has(word)) return std::unexpected(usage(flag + " given twice"));
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return std::unexpected(usage(flag + " needs a value"));
      }
    } else if (inline_value) {
      return std::unexpected(usage(flag + " takes no value"));
    }
    parsed.values_.emplace(std::string(word), std::move(value));
  }
  return parsed;
}

std::optional<std::string> Args::value(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace twostep::client
