// TOTP (RFC 6238) and HOTP (RFC 4226) codes through liboath: code generation, verification
// inside a window of time steps, and secret generation. Pure functions, no I/O; time comes
// in as Unix seconds and randomness through core::Random.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/secret.hpp"

namespace twostep::totp {

/// The HMAC behind the code.
enum class Algorithm { kSha1, kSha256, kSha512 };

/// "SHA1", "SHA256" or "SHA512", as otpauth URIs and the API spell them.
std::string_view algorithm_name(Algorithm algorithm);
/// Accepts the names above, case-insensitively; nullopt otherwise.
std::optional<Algorithm> parse_algorithm(std::string_view name);

inline constexpr int kDefaultDigits = 6;
inline constexpr int kDefaultPeriod = 30;
/// Periods outside this range are refused: NIST SP 800-63B-4 asks a TOTP to change at least
/// every two minutes, and very short periods make codes impossible to type.
inline constexpr int kMinPeriod = 10;
inline constexpr int kMaxPeriod = 120;
/// The largest verification window accepted, in steps each side of the current one.
inline constexpr int kMaxWindowSteps = 10;

/// How a credential's codes are made. The defaults are what every authenticator app reads.
struct Params {
  Algorithm algorithm = Algorithm::kSha1;
  int digits = kDefaultDigits;  // 6 or 8
  int period = kDefaultPeriod;  // seconds

  friend bool operator==(const Params&, const Params&) = default;
};

/// kInvalidInput "invalid_totp_params" unless digits is 6 or 8 and the period is in
/// [kMinPeriod, kMaxPeriod].
core::Result<void> validate_params(const Params& params);

/// The secret size RFC 6238 uses for each algorithm: 20, 32 or 64 bytes.
std::size_t secret_size(Algorithm algorithm);
/// A fresh secret of secret_size(algorithm) bytes.
core::SecretBytes new_secret(core::Random& random, Algorithm algorithm);

/// The time step that `unix_time` falls in: floor(unix_time / period).
std::int64_t time_step(std::int64_t unix_time, int period);

/// The HOTP value for `counter` (RFC 4226 dynamic truncation), `digits` long with leading
/// zeros. kInvalidInput "invalid_totp_params" for bad digits or an empty secret.
core::Result<std::string> hotp_code(std::span<const std::uint8_t> secret, std::uint64_t counter,
                                    int digits, Algorithm algorithm = Algorithm::kSha1);

/// The TOTP code for time step `step` (RFC 6238: HOTP of the step counter).
core::Result<std::string> totp_code_at_step(std::span<const std::uint8_t> secret,
                                            const Params& params, std::int64_t step);

/// The TOTP code valid at `unix_time`.
core::Result<std::string> totp_code(std::span<const std::uint8_t> secret, const Params& params,
                                    std::int64_t unix_time);

/// Checks `code` against every step in [current - window, current + window] (window
/// clamped to [0, kMaxWindowSteps]) with constant-time comparison, looking at every step
/// whatever matches. Returns the lowest matching step, or nullopt when none matches or the
/// code is not exactly `digits` decimal digits. Replay is the caller's rule (rules.hpp).
std::optional<std::int64_t> verify_totp(std::span<const std::uint8_t> secret, const Params& params,
                                        std::string_view code, std::int64_t unix_time,
                                        int window_steps);

}  // namespace twostep::totp
