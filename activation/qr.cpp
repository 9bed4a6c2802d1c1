#include "activation/qr.hpp"

#include <png.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace twostep::activation {
namespace {

QrOptions normalised(const QrOptions& options) {
  return {std::clamp(options.scale, 1, 32), std::clamp(options.quiet_zone, 4, 16)};
}

struct QrcodeDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

// The greyscale image of the symbol with its quiet zone: 0 = black, 255 = white.
std::vector<std::uint8_t> rasterise(const QrMatrix& matrix, const QrOptions& o, int& side) {
  const int modules = matrix.width + 2 * o.quiet_zone;
  side = modules * o.scale;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(side) * side, 255);
  for (int y = 0; y < matrix.width; ++y) {
    for (int x = 0; x < matrix.width; ++x) {
      if (!matrix.at(x, y)) continue;
      const int px = (x + o.quiet_zone) * o.scale;
      const int py = (y + o.quiet_zone) * o.scale;
      for (int dy = 0; dy < o.scale; ++dy) {
        auto row = pixels.begin() + static_cast<std::ptrdiff_t>(py + dy) * side + px;
        std::fill(row, row + o.scale, std::uint8_t{0});
      }
    }
  }
  return pixels;
}

}  // namespace

core::Result<QrMatrix> encode_qr(std::string_view text) {
  errno = 0;
  std::unique_ptr<QRcode, QrcodeDeleter> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0, QR_ECLEVEL_M));
  if (!code) {
    if (errno == ERANGE) {
      return core::fail(core::ErrorKind::kInvalidInput, "qr_data_too_long",
                        "the text is too long for a QR code");
    }
    return core::fail(core::ErrorKind::kInternal, "qr_failed", "QR encoding failed");
  }
  QrMatrix matrix;
  matrix.width = code->width;
  const auto count = static_cast<std::size_t>(code->width) * code->width;
  matrix.dark.resize(count);
  // libqrencode marks a dark module with bit 0 of each byte; the other bits describe
  // which function pattern the module belongs to.
  for (std::size_t i = 0; i < count; ++i) matrix.dark[i] = (code->data[i] & 1) != 0;
  return matrix;
}

core::Result<core::Bytes> render_qr_png(std::string_view text, const QrOptions& options) {
  auto matrix = encode_qr(text);
  if (!matrix) return std::unexpected(matrix.error());
  int side = 0;
  const std::vector<std::uint8_t> pixels = rasterise(*matrix, normalised(options), side);

  // libpng's simplified API writes into a caller buffer and handles its own longjmp-based
  // errors internally, so no setjmp crosses C++ frames here.
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = PNG_IMAGE_PNG_SIZE_MAX(image);
  core::Bytes png(size);
  const int ok =
      png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), side, nullptr);
  png_image_free(&image);
  if (!ok) {
    return core::fail(core::ErrorKind::kInternal, "qr_failed", "PNG encoding failed");
  }
  png.resize(size);
  return png;
}

core::Result<std::string> render_qr_svg(std::string_view text, const QrOptions& options) {
  auto matrix = encode_qr(text);
  if (!matrix) return std::unexpected(matrix.error());
  const QrOptions o = normalised(options);
  const int modules = matrix->width + 2 * o.quiet_zone;
  const std::string n = std::to_string(modules);
  const std::string px = std::to_string(modules * o.scale);

  // One sub-path per horizontal run of dark modules keeps the path short.
  std::string d;
  for (int y = 0; y < matrix->width; ++y) {
    for (int x = 0; x < matrix->width;) {
      if (!matrix->at(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < matrix->width && matrix->at(x, y)) ++x;
      const std::string run = std::to_string(x - start);
      d += "M" + std::to_string(start + o.quiet_zone) + " " + std::to_string(y + o.quiet_zone) +
           "h" + run + "v1h-" + run + "z";
    }
  }
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n + "\" width=\"" +
         px + "\" height=\"" + px +
         "\" shape-rendering=\"crispEdges\">"
         "<rect width=\"" +
         n + "\" height=\"" + n +
         "\" fill=\"#fff\"/>"
         "<path fill=\"#000\" d=\"" +
         d + "\"/></svg>\n";
}

}  // namespace twostep::activation
