// Errors that domain functions return: a category that server/ maps to an HTTP status,
// and a stable snake_case code that clients can switch on.
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <utility>

namespace twostep::core {

/// What kind of failure this is; server/http_status.cpp maps each kind to one status.
enum class ErrorKind {
  kInvalidInput,      // 400
  kUnauthenticated,   // 401
  kForbidden,         // 403
  kNotFound,          // 404
  kMethodNotAllowed,  // 405
  kConflict,          // 409
  kGone,              // 410
  kTooLarge,          // 413
  kUnsupportedMedia,  // 415
  kLocked,            // 423
  kRateLimited,       // 429
  kHeadersTooLarge,   // 431
  kUnavailable,       // 503
  kInternal,          // 500
};

/// An expected failure. `code` is stable API (e.g. "activation_expired"); `message` is for
/// people; `field` names the offending input field when there is one.
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;
  std::string message;
  std::string field;
  std::chrono::seconds retry_after{0};  // for kRateLimited and kLocked
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for `return fail(...)` in functions returning Result<T>.
inline std::unexpected<Error> fail(ErrorKind kind, std::string code, std::string message,
                                   std::string field = {}) {
  return std::unexpected(Error{kind, std::move(code), std::move(message), std::move(field), {}});
}

inline std::unexpected<Error> fail_invalid(std::string field, std::string message) {
  return fail(ErrorKind::kInvalidInput, "invalid_" + field, std::move(message), field);
}

}  // namespace twostep::core
