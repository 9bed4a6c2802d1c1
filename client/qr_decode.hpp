// Reads the activation QR code from an image file with zbarimg (Debian's zbar-tools), the way
// a phone's camera would read it off the screen.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.hpp"

namespace twostep::client {

/// Runs `zbarimg --raw -q FILE` (no shell involved) and returns the one QR payload in the
/// image. Errors (kInvalidInput): "qr_not_found" when the image holds no readable code or
/// cannot be read, "qr_ambiguous" when it holds several; kUnavailable "qr_decoder_missing"
/// when `program` cannot be started.
core::Result<std::string> decode_qr_image(const std::filesystem::path& image,
                                          const std::string& program = "zbarimg");

}  // namespace twostep::client
