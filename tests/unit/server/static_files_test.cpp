// StaticFiles: what a page request may name, and the headers every served file carries.
#include "server/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/core/temp_dir.hpp"

namespace twostep::server {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir.path() / "assets");
    write("sign-in.html", "<h1>Sign in</h1>");
    write("assets/site.css", "body{}");
    write(".env", "SECRET=1");
    write("assets/notes.txt", "internal");
    std::filesystem::create_directories(dir.path() / "assets" / "img.png");
  }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
  }
  std::string header(const HttpResponse& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }
  testing::TempDir dir;
  StaticFiles files{dir.path()};
};

TEST_F(StaticFilesTest, ServesAPageWithTheStrictPolicy) {
  auto page = files.serve("sign-in.html");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200u);
  EXPECT_EQ(page->body, "<h1>Sign in</h1>");
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(*page, "Content-Security-Policy"), kPageContentSecurityPolicy);
  EXPECT_NE(header(*page, "Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(header(*page, "Content-Security-Policy").find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(header(*page, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header(*page, "Referrer-Policy"), "no-referrer");
}

TEST_F(StaticFilesTest, ServesAssetsByType) {
  auto css = files.serve("assets/site.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type_for("qr.png"), "image/png");
  EXPECT_FALSE(StaticFiles::content_type_for("notes.txt"));
  EXPECT_FALSE(StaticFiles::content_type_for("page.html~"));
}

TEST_F(StaticFilesTest, NothingOutsideTheRootOrUnmeantIsServed) {
  for (const char* path : {"../sign-in.html", "assets/../sign-in.html", "/etc/passwd.html", ".env",
                           "assets/.hidden.css", "assets//site.css", "assets/notes.txt",
                           "assets/img.png", "missing.html", "assets/si te.css", ""}) {
    auto response = files.serve(path);
    ASSERT_FALSE(response) << path;
    EXPECT_EQ(response.error().kind, core::ErrorKind::kNotFound) << path;
    EXPECT_EQ(response.error().code, "not_found") << path;
  }
}

TEST(StaticFilesPath, AcceptsOnlyPlainSegments) {
  EXPECT_TRUE(StaticFiles::safe_relative_path("a.html"));
  EXPECT_TRUE(StaticFiles::safe_relative_path("assets/img/logo-2_x.svg"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("assets/"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("a/../b.css"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("a\\b.css"));
  EXPECT_FALSE(StaticFiles::safe_relative_path("a%2e.css"));
}

}  // namespace
}  // namespace twostep::server
