// QR codes for activation and otpauth URIs: encoded with libqrencode (8-bit mode, error
// correction level M) and rendered as PNG (libpng) or SVG, each with the 4-module quiet
// zone that readers need. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/encoding.hpp"
#include "core/error.hpp"

namespace twostep::activation {

/// A QR symbol: `width` × `width` modules, row-major, true = dark.
struct QrMatrix {
  int width = 0;
  std::vector<bool> dark;

  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * width + x)]; }
};

/// Rendering choices; the defaults suit a phone camera at arm's length on a screen.
struct QrOptions {
  int scale = 6;       // pixels per module (PNG) / user units per module (SVG size), 1..32
  int quiet_zone = 4;  // light modules around the symbol, 4..16 (ISO/IEC 18004 asks for 4)
};

/// Encodes `text` byte for byte. kInvalidInput "qr_data_too_long" when it does not fit the
/// largest symbol; kInternal "qr_failed" if libqrencode fails otherwise.
core::Result<QrMatrix> encode_qr(std::string_view text);

/// An 8-bit greyscale PNG of the symbol, black on white.
core::Result<core::Bytes> render_qr_png(std::string_view text, const QrOptions& options = {});

/// A standalone SVG document: a white background and one black path, with a viewBox in
/// module units and `shape-rendering="crispEdges"` so it stays sharp at any size.
core::Result<std::string> render_qr_svg(std::string_view text, const QrOptions& options = {});

}  // namespace twostep::activation
