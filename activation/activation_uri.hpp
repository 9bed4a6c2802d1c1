// The activation URI that the QR code carries: twostep://activate?code=CODE&url=URL, where
// URL is the percent-encoded absolute URL of POST /v1/activate. The companion app parses it.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace twostep::activation {

struct ActivationUri {
  std::string code;
  std::string url;  // decoded, e.g. "https://mfa.example.com/v1/activate"
};

/// Builds the URI; both values are percent-encoded.
std::string build_activation_uri(std::string_view code, std::string_view activate_url);

/// Parses it back. 400 "invalid_activation_uri" for another scheme or path, a missing or
/// empty code or url, a url that is not http:// or https:// (the app insists on https),
/// a repeated parameter, or bad escapes.
core::Result<ActivationUri> parse_activation_uri(std::string_view uri);

}  // namespace twostep::activation
