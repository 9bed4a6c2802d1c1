// The activation QR codes over HTTPS: the PNG decodes (with zbarimg, an independent reader)
// to exactly the activation URI, the SVG is a QR image, and both are readable only by the
// admin who created the activation.
#include "tests/integration/activation_fixture.hpp"

namespace twostep::testing {
namespace {

// The path part of an absolute URL the server returned ("https://host:port/v1/…" → "/v1/…").
std::string path_of(const std::string& url) {
  const auto at = url.find("/v1/");
  return at == std::string::npos ? url : url.substr(at);
}

using ActivationQr = ActivationItest;

TEST_F(ActivationQr, PngDecodesToExactlyTheActivationUri) {
  make_user("alice");
  auto activation = new_activation("alice");
  Response png = get(path_of(str(activation, "qr_png_url")));
  ASSERT_EQ(png.status, 200u) << png.body;
  EXPECT_EQ(png.header("content-type"), "image/png");
  EXPECT_EQ(png.header("cache-control"), "no-store");
  ASSERT_TRUE(png.body.starts_with("\x89PNG\r\n\x1a\n"));
  EXPECT_EQ(zbar_decode(png.body, ".png"), str(activation, "activation_uri"));

  // What the QR carries activates the phone.
  const std::string uri = zbar_decode(png.body, ".png");
  const auto code_at = uri.find("code=") + 5;
  const std::string code = uri.substr(code_at, uri.find('&', code_at) - code_at);
  EXPECT_EQ(activate(code).status, 201u);
  // A used activation has no QR any more.
  EXPECT_TRUE(is_error(get(path_of(str(activation, "qr_png_url"))), 409, "activation_used"));
}

TEST_F(ActivationQr, SvgIsAStandaloneQrImage) {
  make_user("alice");
  auto activation = new_activation("alice");
  Response svg = get(path_of(str(activation, "qr_svg_url")));
  ASSERT_EQ(svg.status, 200u) << svg.body;
  EXPECT_EQ(svg.header("content-type"), "image/svg+xml");
  EXPECT_EQ(svg.header("cache-control"), "no-store");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  EXPECT_NE(svg.body.find("viewBox"), std::string::npos);
  EXPECT_NE(svg.body.find("<path"), std::string::npos);
}

TEST_F(ActivationQr, OnlyTheCreatingAdminMayReadStatusAndQr) {
  make_user("alice");
  auto activation = new_activation("alice");
  const std::string status_path =
      "/v1/users/alice/authenticators/activations/" + str(activation, "activation_id");
  const std::string png = path_of(str(activation, "qr_png_url"));
  const std::string svg = path_of(str(activation, "qr_svg_url"));
  ASSERT_EQ(get(png).status, 200u);
  ASSERT_EQ(get(status_path).status, 200u) << "by the username as well as the id";

  // Another admin (its own token, its own name) sees nothing, like an unknown id.
  const Headers other = {{"authorization", "Bearer " + server().admin_token("other-admin")}};
  for (const auto& target : {png, svg, status_path}) {
    EXPECT_TRUE(is_error(client().get(target, other), 404, "activation_not_found")) << target;
    EXPECT_TRUE(is_error(client().get(target), 401, "unauthenticated")) << target;
    EXPECT_TRUE(is_error(client().get(target, {{"authorization", "Bearer " + app_key()}}), 403,
                         "forbidden"))
        << target;
  }
  // Under another user's path the activation does not exist either.
  make_user("bob");
  EXPECT_TRUE(is_error(get("/v1/users/bob/authenticators/activations/" +
                           str(activation, "activation_id") + "/qr.png"),
                       404, "activation_not_found"));
  EXPECT_TRUE(is_error(get("/v1/users/alice/authenticators/activations/act_unknown/qr.png"), 404,
                       "activation_not_found"));
}

}  // namespace
}  // namespace twostep::testing
