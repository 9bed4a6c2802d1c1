// Maps error kinds to statuses and renders the API.md error body.
#include "server/http_status.hpp"

#include <string>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"

namespace twostep::server {

unsigned http_status(core::ErrorKind kind) {
  using core::ErrorKind;
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return 400;
    case ErrorKind::kUnauthenticated:
      return 401;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kMethodNotAllowed:
      return 405;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kGone:
      return 410;
    case ErrorKind::kTooLarge:
      return 413;
    case ErrorKind::kUnsupportedMedia:
      return 415;
    case ErrorKind::kLocked:
      return 423;
    case ErrorKind::kRateLimited:
      return 429;
    case ErrorKind::kHeadersTooLarge:
      return 431;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

core::Error internal_error() {
  return core::Error{core::ErrorKind::kInternal,
                     "internal_error",
                     "internal error; quote the correlation id to your administrator",
                     {},
                     {}};
}

std::unexpected<core::Error> handler_failure(const std::exception_ptr& failure,
                                             std::string_view correlation_id,
                                             std::string_view route) {
  std::string what = "not a std::exception";
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  core::log(core::LogLevel::kError, "handler failed",
            {{"correlation_id", std::string(correlation_id)},
             {"route", std::string(route)},
             {"error", what}});
  return std::unexpected(internal_error());
}

HttpResponse error_response(const core::Error& error, std::string_view correlation_id) {
  const core::Error& shown = error.kind == core::ErrorKind::kInternal ? internal_error() : error;
  boost::json::object body_error{
      {"code", shown.code}, {"message", shown.message}, {"correlation_id", correlation_id}};
  if (!shown.field.empty()) body_error["field"] = shown.field;

  HttpResponse response;
  response.status = http_status(shown.kind);
  response.body = boost::json::serialize(boost::json::object{{"error", std::move(body_error)}});
  bool may_retry = shown.kind == core::ErrorKind::kRateLimited ||
                   shown.kind == core::ErrorKind::kLocked ||
                   shown.kind == core::ErrorKind::kUnavailable;
  if (may_retry && shown.retry_after.count() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(shown.retry_after.count()));
  }
  return response;
}

}  // namespace twostep::server
