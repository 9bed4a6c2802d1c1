// Shared by the libFuzzer targets: a property check that stops the run (libFuzzer then
// saves the input as a crash-* artifact), and cutting one input into several fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace twostep::fuzz {

/// Aborts with `property` on stderr when `ok` is false: a broken property is a finding
/// just like a crash.
inline void check(bool ok, const char* property) {
  if (!ok) {
    std::fprintf(stderr, "fuzz property violated: %s\n", property);
    std::abort();
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Exactly `count` fields: `text` cut at the first count - 1 occurrences of `separator`
/// (missing fields are empty, the last one keeps any further separators).
inline std::vector<std::string_view> fields(std::string_view text, char separator,
                                            std::size_t count) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i + 1 < count; ++i) {
    const std::size_t at = text.find(separator);
    out.push_back(text.substr(0, at));
    text = at == std::string_view::npos ? std::string_view{} : text.substr(at + 1);
  }
  out.push_back(text);
  return out;
}

}  // namespace twostep::fuzz
