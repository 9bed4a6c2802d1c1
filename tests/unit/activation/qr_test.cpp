#include "activation/qr.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "tests/unit/core/temp_dir.hpp"
#include "tests/unit/totp/run_command.hpp"

namespace twostep::activation {
namespace {

// zbarimg (zbar-tools) is an independent QR reader: what it decodes from our PNG must be
// exactly the text we encoded.
std::string decode_with_zbar(const core::Bytes& png) {
  testing::TempDir dir;
  const auto file = dir / "qr.png";
  {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
  }
  auto result = testing::run_command({"zbarimg", "--raw", "-q", "-Sbinary", file.string()});
  EXPECT_EQ(result.exit_code, 0);
  return testing::trim_newlines(result.out);
}

const std::string kActivationUri =
    "twostep://activate?code=3q2-Xv9aLk0bQm1TzZ8yKw&url=https%3A%2F%2Fmfa.example.com%3A8443%2F"
    "v1%2Factivate";
const std::string kOtpauthUri =
    "otpauth://totp/Acme%20Corp:Zo%C3%AB%20M%C3%BCller%3Aops?secret="
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Corp&algorithm=SHA1&digits=6&period=30";

TEST(QrPng, DecodesToTheExactActivationUri) {
  auto png = render_qr_png(kActivationUri);
  ASSERT_TRUE(png.has_value());
  ASSERT_GT(png->size(), 8u);
  EXPECT_EQ((*png)[1], 'P');
  EXPECT_EQ(decode_with_zbar(*png), kActivationUri);
}

TEST(QrPng, DecodesToTheExactOtpauthUri) {
  auto png = render_qr_png(kOtpauthUri);
  ASSERT_TRUE(png.has_value());
  EXPECT_EQ(decode_with_zbar(*png), kOtpauthUri);
}

TEST(QrPng, DecodesRawUtf8Text) {
  const std::string text = "Zoë Müller — 用户";
  auto png = render_qr_png(text);
  ASSERT_TRUE(png.has_value());
  EXPECT_EQ(decode_with_zbar(*png), text);
}

TEST(QrPng, HasAQuietZoneAndTheRequestedScale) {
  auto matrix = encode_qr(kActivationUri);
  ASSERT_TRUE(matrix.has_value());
  // A version-N symbol is 17 + 4N modules wide.
  EXPECT_EQ((matrix->width - 17) % 4, 0);
  EXPECT_TRUE(matrix->at(0, 0));  // finder pattern corner
  auto small = render_qr_png(kActivationUri, {2, 4});
  auto large = render_qr_png(kActivationUri, {8, 4});
  ASSERT_TRUE(small && large);
  EXPECT_LT(small->size(), large->size());
  EXPECT_EQ(decode_with_zbar(*large), kActivationUri);
}

TEST(QrPng, RejectsTextTooLongForAnySymbol) {
  auto png = render_qr_png(std::string(4000, 'x'));
  ASSERT_FALSE(png.has_value());
  EXPECT_EQ(png.error().code, "qr_data_too_long");
}

TEST(QrSvg, IsAStandaloneSvgWithOnePath) {
  auto svg = render_qr_svg(kActivationUri);
  ASSERT_TRUE(svg.has_value());
  auto matrix = encode_qr(kActivationUri);
  const std::string n = std::to_string(matrix->width + 8);
  EXPECT_TRUE(svg->starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(svg->find("viewBox=\"0 0 " + n + " " + n + "\""), std::string::npos);
  EXPECT_NE(svg->find("shape-rendering=\"crispEdges\""), std::string::npos);
  EXPECT_NE(svg->find("</svg>"), std::string::npos);
  EXPECT_EQ(svg->find("<path"), svg->rfind("<path"));
  // The first dark run starts at the quiet zone's inner corner (the finder pattern).
  EXPECT_NE(svg->find("d=\"M4 4h7v1h-7z"), std::string::npos);
}

// Reads the path back into a module grid: every sub-path is "Mx yhNv1h-Nz", one run of N
// dark modules. The grid must equal the symbol, shifted by the quiet zone.
TEST(QrSvg, PathCoversExactlyTheDarkModules) {
  const std::string text = "otpauth://totp/Acme:Zo%C3%AB?secret=JBSWY3DPEHPK3PXP";
  auto svg = render_qr_svg(text);
  auto matrix = encode_qr(text);
  ASSERT_TRUE(svg && matrix);
  const int side = matrix->width + 8;
  std::vector<bool> grid(static_cast<std::size_t>(side * side), false);
  const std::size_t d = svg->find(" d=\"") + 4;
  const std::string path = svg->substr(d, svg->find('"', d) - d);
  std::size_t pos = 0;
  while (pos < path.size()) {
    int x = 0, y = 0, n = 0, m = 0, consumed = 0;
    ASSERT_EQ(std::sscanf(path.c_str() + pos, "M%d %dh%dv1h-%dz%n", &x, &y, &n, &m, &consumed), 4)
        << path.substr(pos, 20);
    ASSERT_EQ(n, m);
    for (int i = 0; i < n; ++i) {
      ASSERT_LT(x + i, side);
      auto cell = grid[static_cast<std::size_t>(y * side + x + i)];
      ASSERT_FALSE(cell) << "module drawn twice";
      grid[static_cast<std::size_t>(y * side + x + i)] = true;
    }
    pos += static_cast<std::size_t>(consumed);
  }
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const bool inside = x >= 4 && y >= 4 && x < side - 4 && y < side - 4;
      const bool expected = inside && matrix->at(x - 4, y - 4);
      EXPECT_EQ(grid[static_cast<std::size_t>(y * side + x)], expected) << x << "," << y;
    }
  }
}

}  // namespace
}  // namespace twostep::activation
