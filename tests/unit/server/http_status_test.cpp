#include "server/http_status.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <boost/json/parse.hpp>

namespace twostep::server {
namespace {

namespace json = boost::json;
using core::ErrorKind;

TEST(HttpStatus, MapsEveryKindToItsStatus) {
  const std::pair<ErrorKind, unsigned> table[] = {
      {ErrorKind::kInvalidInput, 400},
      {ErrorKind::kUnauthenticated, 401},
      {ErrorKind::kForbidden, 403},
      {ErrorKind::kNotFound, 404},
      {ErrorKind::kMethodNotAllowed, 405},
      {ErrorKind::kConflict, 409},
      {ErrorKind::kGone, 410},
      {ErrorKind::kTooLarge, 413},
      {ErrorKind::kUnsupportedMedia, 415},
      {ErrorKind::kLocked, 423},
      {ErrorKind::kRateLimited, 429},
      {ErrorKind::kHeadersTooLarge, 431},
      {ErrorKind::kUnavailable, 503},
      {ErrorKind::kInternal, 500},
  };
  for (auto [kind, status] : table) EXPECT_EQ(http_status(kind), status);
}

std::string_view header(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return {};
}

TEST(ErrorResponse, RendersCodeMessageAndCorrelationId) {
  HttpResponse r = error_response(
      core::Error{ErrorKind::kGone, "activation_expired", "the code has expired", {}, {}}, "c-1");
  EXPECT_EQ(r.status, 410u);
  EXPECT_EQ(r.content_type, "application/json");
  auto body = json::parse(r.body).as_object();
  const auto& e = body.at("error").as_object();
  EXPECT_EQ(e.at("code"), "activation_expired");
  EXPECT_EQ(e.at("message"), "the code has expired");
  EXPECT_EQ(e.at("correlation_id"), "c-1");
  EXPECT_FALSE(e.contains("field"));
  EXPECT_TRUE(header(r, "Retry-After").empty());
}

TEST(ErrorResponse, AddsFieldWhenSet) {
  HttpResponse r = error_response(
      core::Error{ErrorKind::kInvalidInput, "invalid_username", "bad", "username", {}}, "c");
  EXPECT_EQ(json::parse(r.body).at("error").at("field"), "username");
}

TEST(ErrorResponse, RetryAfterOn429And423Only) {
  core::Error limited{
      ErrorKind::kRateLimited, "rate_limited", "slow down", {}, std::chrono::seconds(30)};
  EXPECT_EQ(header(error_response(limited, "c"), "Retry-After"), "30");
  core::Error locked{ErrorKind::kLocked, "locked_out", "locked", {}, std::chrono::seconds(600)};
  EXPECT_EQ(header(error_response(locked, "c"), "Retry-After"), "600");
  core::Error invalid{ErrorKind::kInvalidInput, "x", "y", {}, std::chrono::seconds(5)};
  EXPECT_TRUE(header(error_response(invalid, "c"), "Retry-After").empty());
  limited.retry_after = std::chrono::seconds(0);
  EXPECT_TRUE(header(error_response(limited, "c"), "Retry-After").empty());
}

TEST(ErrorResponse, HidesInternalDetails) {
  HttpResponse r = error_response(
      core::Error{ErrorKind::kInternal, "sealed_secret_invalid", "tag mismatch on row 7", {}, {}},
      "c-9");
  EXPECT_EQ(r.status, 500u);
  json::value parsed = json::parse(r.body);
  const auto& e = parsed.at("error").as_object();
  EXPECT_EQ(e.at("code"), "internal_error");
  EXPECT_EQ(r.body.find("row 7"), std::string::npos);
  EXPECT_EQ(e.at("correlation_id"), "c-9");
}

}  // namespace
}  // namespace twostep::server

namespace twostep::server {
namespace {

TEST(HandlerFailure, AnyExceptionBecomesTheOpaqueInternalError) {
  const auto from_std = handler_failure(
      std::make_exception_ptr(std::runtime_error("disk full at /secret/path")), "cid-1", "/v1/x");
  EXPECT_EQ(from_std.error().code, "internal_error");
  EXPECT_EQ(from_std.error().message.find("secret"), std::string::npos);
  const auto from_other = handler_failure(std::make_exception_ptr(42), "cid-2", "/v1/y");
  EXPECT_EQ(from_other.error().code, "internal_error");
  EXPECT_EQ(from_other.error().kind, core::ErrorKind::kInternal);
}

}  // namespace
}  // namespace twostep::server
