// The one table from core::ErrorKind to HTTP status, and the error body of API.md:
// {"error": {"code", "message", "correlation_id"[, "field"]}}.
#pragma once

#include <exception>
#include <string_view>

#include "core/error.hpp"
#include "server/http.hpp"

namespace twostep::server {

/// The status for an error kind (kInvalidInput → 400, kRateLimited → 429, …).
unsigned http_status(core::ErrorKind kind);

/// The JSON error response for `error`. kInternal errors are rendered as the generic
/// `internal_error` so that no internal detail reaches the client (the caller logs the
/// original). 429, 423 and 503 carry Retry-After when `error.retry_after` is positive.
HttpResponse error_response(const core::Error& error, std::string_view correlation_id);

/// The generic 500 body used when a handler failed unexpectedly.
core::Error internal_error();

/// A handler's exception (`failure`, not null) logged with its correlation id and route, and
/// the generic 500 to answer with: the one place a failed call becomes a response.
std::unexpected<core::Error> handler_failure(const std::exception_ptr& failure,
                                             std::string_view correlation_id,
                                             std::string_view route);

}  // namespace twostep::server
