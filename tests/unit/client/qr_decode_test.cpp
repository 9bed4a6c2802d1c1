#include "client/qr_decode.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "activation/activation_uri.hpp"
#include "activation/qr.hpp"
#include "client/activation_uri.hpp"

namespace twostep::client {
namespace {

namespace fs = std::filesystem;

class QrDecode : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "twostep-qr-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, std::span<const std::uint8_t> bytes) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  fs::path dir_;
};

TEST_F(QrDecode, ReadsTheServersActivationQrBackToTheSameUri) {
  const std::string uri =
      activation::build_activation_uri("Zq4-x_9KpLm2Vb7Rt", "https://127.0.0.1:8443/v1/activate");
  auto png = activation::render_qr_png(uri);
  ASSERT_TRUE(png.has_value());
  // A name starting with '-' must still be read as a file, not as an option.
  const fs::path path = write("-qr.png", *png);
  auto decoded = decode_qr_image(path);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message;
  EXPECT_EQ(*decoded, uri);
  auto parsed = parse_activation_uri(*decoded);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "Zq4-x_9KpLm2Vb7Rt");
}

TEST_F(QrDecode, ImageWithoutACodeIsNotFound) {
  const std::uint8_t not_png[] = {'h', 'e', 'l', 'l', 'o'};
  auto decoded = decode_qr_image(write("blank.png", not_png));
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, "qr_not_found");
  auto missing = decode_qr_image(dir_ / "absent.png");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, "qr_not_found");
}

TEST_F(QrDecode, MissingDecoderIsReported) {
  auto png = activation::render_qr_png("twostep://activate?code=x&url=https%3A%2F%2Fh");
  ASSERT_TRUE(png.has_value());
  auto decoded = decode_qr_image(write("qr.png", *png), "twostep-no-such-zbarimg");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().code, "qr_decoder_missing");
}

}  // namespace
}  // namespace twostep::client
