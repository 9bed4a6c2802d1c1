#include "totp/otp.hpp"

#include <liboath/oath.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>

#include "core/crypto.hpp"

namespace twostep::totp {
namespace {

// oath_init must run once before any other liboath call; the generate functions are
// re-entrant afterwards (they only touch their arguments).
void ensure_oath_initialised() {
  static std::once_flag once;
  std::call_once(once, [] { oath_init(); });
}

std::unexpected<core::Error> invalid_params(std::string message) {
  return core::fail(core::ErrorKind::kInvalidInput, "invalid_totp_params", std::move(message));
}

bool valid_digits(int digits) { return digits == 6 || digits == 8; }

int oath_flags(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kSha256:
      return OATH_TOTP_HMAC_SHA256;
    case Algorithm::kSha512:
      return OATH_TOTP_HMAC_SHA512;
    case Algorithm::kSha1:
      break;
  }
  return 0;
}

bool all_digits(std::string_view code) {
  return std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view algorithm_name(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kSha256:
      return "SHA256";
    case Algorithm::kSha512:
      return "SHA512";
    case Algorithm::kSha1:
      break;
  }
  return "SHA1";
}

std::optional<Algorithm> parse_algorithm(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (Algorithm a : {Algorithm::kSha1, Algorithm::kSha256, Algorithm::kSha512}) {
    if (upper == algorithm_name(a)) return a;
  }
  return std::nullopt;
}

core::Result<void> validate_params(const Params& params) {
  if (!valid_digits(params.digits)) return invalid_params("digits must be 6 or 8");
  if (params.period < kMinPeriod || params.period > kMaxPeriod) {
    return invalid_params("period must be between 10 and 120 seconds");
  }
  return {};
}

std::size_t secret_size(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kSha256:
      return 32;
    case Algorithm::kSha512:
      return 64;
    case Algorithm::kSha1:
      break;
  }
  return 20;
}

core::SecretBytes new_secret(core::Random& random, Algorithm algorithm) {
  return random.bytes(secret_size(algorithm));
}

std::int64_t time_step(std::int64_t unix_time, int period) {
  const std::int64_t p = period;
  const std::int64_t q = unix_time / p;
  return (unix_time % p != 0 && unix_time < 0) ? q - 1 : q;
}

core::Result<std::string> hotp_code(std::span<const std::uint8_t> secret, std::uint64_t counter,
                                    int digits, Algorithm algorithm) {
  if (!valid_digits(digits)) return invalid_params("digits must be 6 or 8");
  if (secret.empty()) return invalid_params("empty secret");
  ensure_oath_initialised();
  std::array<char, 16> out{};
  const auto* key = reinterpret_cast<const char*>(secret.data());
  const auto n = static_cast<unsigned>(digits);
  int rc = OATH_OK;
  if (algorithm == Algorithm::kSha1) {
    rc = oath_hotp_generate(key, secret.size(), counter, n, false, OATH_HOTP_DYNAMIC_TRUNCATION,
                            out.data());
  } else {
    // liboath offers SHA-256/512 only through the TOTP entry point; with a step size of one
    // second and time = counter, its moving factor is exactly the HOTP counter.
    rc = oath_totp_generate2(key, secret.size(), static_cast<time_t>(counter), 1, 0, n,
                             oath_flags(algorithm), out.data());
  }
  if (rc != OATH_OK) {
    return core::fail(core::ErrorKind::kInternal, "totp_failed", oath_strerror(rc));
  }
  return std::string(out.data());
}

core::Result<std::string> totp_code_at_step(std::span<const std::uint8_t> secret,
                                            const Params& params, std::int64_t step) {
  if (auto ok = validate_params(params); !ok) return std::unexpected(ok.error());
  if (step < 0) return invalid_params("time before the epoch");
  return hotp_code(secret, static_cast<std::uint64_t>(step), params.digits, params.algorithm);
}

core::Result<std::string> totp_code(std::span<const std::uint8_t> secret, const Params& params,
                                    std::int64_t unix_time) {
  if (auto ok = validate_params(params); !ok) return std::unexpected(ok.error());
  return totp_code_at_step(secret, params, time_step(unix_time, params.period));
}

std::optional<std::int64_t> verify_totp(std::span<const std::uint8_t> secret, const Params& params,
                                        std::string_view code, std::int64_t unix_time,
                                        int window_steps) {
  if (!validate_params(params)) return std::nullopt;
  if (code.size() != static_cast<std::size_t>(params.digits) || !all_digits(code)) {
    return std::nullopt;
  }
  const int window = std::clamp(window_steps, 0, kMaxWindowSteps);
  const std::int64_t current = time_step(unix_time, params.period);
  std::optional<std::int64_t> matched;
  // Every step is computed and compared, so the time taken does not say which step (if
  // any) matched.
  for (std::int64_t step = current - window; step <= current + window; ++step) {
    auto expected = totp_code_at_step(secret, params, step);
    if (!expected) continue;
    const bool equal = core::constant_time_equal(*expected, code);
    if (equal && !matched) matched = step;
  }
  return matched;
}

}  // namespace twostep::totp
