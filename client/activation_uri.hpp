// The activation URI that the QR code carries (API.md, "Activation"):
// twostep://activate?code=CODE&url=URL, URL being the percent-encoded https URL of
// /v1/activate.
#pragma once

#include <string>
#include <string_view>

#include "client/url.hpp"
#include "core/error.hpp"

namespace twostep::client {

struct ActivationUri {
  std::string code;  // the one-use activation code, decoded
  Url url;           // where to POST it: https://HOST[:PORT]/v1/activate
};

/// Parses and percent-decodes an activation URI. Error "invalid_activation_uri"
/// (kInvalidInput) for another scheme or host, a missing, empty or repeated `code` or `url`,
/// a malformed escape, or a `url` that is not an absolute https URL. Other parameters are
/// ignored, so the server may add some.
core::Result<ActivationUri> parse_activation_uri(std::string_view uri);

}  // namespace twostep::client
