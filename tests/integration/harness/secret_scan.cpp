// Plain scanning instead of std::regex: the texts are whole database files (megabytes of
// binary), and a base32 run must be bounded on both sides, which ECMAScript regex cannot
// say without look-behind.
#include "tests/integration/harness/secret_scan.hpp"

#include <array>

namespace twostep::testing {
namespace {

constexpr std::size_t kBase32SecretChars = 32;
constexpr std::size_t kMinTokenChars = 20;
constexpr std::size_t kShown = 8;
constexpr std::array<std::string_view, 3> kTokenPrefixes = {"tsa_", "tsk_", "tsr_"};

bool is_base32(char c) { return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'); }
bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::size_t run_length(std::string_view text, std::size_t from, bool (*in_run)(char)) {
  std::size_t end = from;
  while (end < text.size() && in_run(text[end])) ++end;
  return end - from;
}

std::string shown(std::string_view piece) { return std::string(piece.substr(0, kShown)) + "…"; }

void find_tokens(std::string_view text, std::vector<std::string>& out) {
  for (std::string_view prefix : kTokenPrefixes) {
    for (std::size_t at = text.find(prefix); at != std::string_view::npos;
         at = text.find(prefix, at + 1)) {
      const std::size_t body = run_length(text, at + prefix.size(), is_token_char);
      if (body >= kMinTokenChars) out.push_back(shown(text.substr(at)));
    }
  }
}

void find_base32_secrets(std::string_view text, std::vector<std::string>& out) {
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t length = run_length(text, at, is_base32);
    if (length == kBase32SecretChars) out.push_back(shown(text.substr(at)));
    at += length == 0 ? 1 : length;
  }
}

}  // namespace

std::vector<std::string> clear_secrets_in(std::string_view text) {
  std::vector<std::string> out;
  find_tokens(text, out);
  for (std::size_t at = text.find("otpauth://"); at != std::string_view::npos;
       at = text.find("otpauth://", at + 1)) {
    out.push_back(shown(text.substr(at)));
  }
  find_base32_secrets(text, out);
  return out;
}

}  // namespace twostep::testing
