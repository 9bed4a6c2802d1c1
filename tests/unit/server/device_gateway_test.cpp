// The device WebSocket's Origin rule (cross-site WebSocket hijacking).
#include "server/device_gateway.hpp"

#include <gtest/gtest.h>

namespace twostep::server {
namespace {

TEST(DeviceOrigin, NoOriginIsANativeAppAndAllowed) {
  EXPECT_TRUE(origin_allowed("", {}));
  EXPECT_TRUE(origin_allowed("", {"https://portal.example.com"}));
}

TEST(DeviceOrigin, ABrowserOriginMustBeListed) {
  const std::vector<std::string> allowed{"https://portal.example.com", "https://sso.example.com/"};
  EXPECT_TRUE(origin_allowed("https://portal.example.com", allowed));
  EXPECT_TRUE(origin_allowed("HTTPS://Portal.Example.com", allowed));
  EXPECT_TRUE(origin_allowed("https://sso.example.com", allowed));
  EXPECT_TRUE(origin_allowed("https://portal.example.com/", allowed));
  EXPECT_FALSE(origin_allowed("https://evil.example", allowed));
  EXPECT_FALSE(origin_allowed("https://portal.example.com.evil.example", allowed));
  EXPECT_FALSE(origin_allowed("http://portal.example.com", allowed));
  EXPECT_FALSE(origin_allowed("https://portal.example.com:8443", allowed));
  EXPECT_FALSE(origin_allowed("null", allowed));
  EXPECT_FALSE(origin_allowed("https://portal.example.com", {}));
}

}  // namespace
}  // namespace twostep::server
