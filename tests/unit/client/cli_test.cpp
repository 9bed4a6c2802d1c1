// Drives the real twostep-device binary: flags, exit codes, and `code` against the TOTP module.
#include <gtest/gtest.h>

#include "client/state.hpp"
#include "tests/unit/totp/run_command.hpp"
#include "totp/otp.hpp"

namespace twostep::client {
namespace {

namespace fs = std::filesystem;
using twostep::testing::run_command;

std::string binary() {
  const char* dir = std::getenv("TWOSTEP_BINARY_DIR");
  return std::string(dir ? dir : ".") + "/bin/twostep-device";
}

TEST(DeviceCli, BadFlagsExitWithUsage) {
  EXPECT_EQ(run_command({binary(), "listen", "--state"}).exit_code, 2);
  EXPECT_EQ(run_command({binary(), "listen", "--bogus"}).exit_code, 2);
  EXPECT_EQ(run_command({binary(), "frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_command({binary(), "listen", "--state", "s", "--deny", "--fraud"}).exit_code, 2);
  EXPECT_EQ(run_command({binary(), "activate", "--state", "s"}).exit_code, 2);
  EXPECT_EQ(
      run_command({binary(), "activate", "--state", "s", "--uri", "u", "--insecure", "--ca", "f"})
          .exit_code,
      2);
}

TEST(DeviceCli, HelpEverywhere) {
  for (const char* command : {"activate", "code", "listen", "remove", "load"}) {
    const auto result = run_command({binary(), command, "--help"});
    EXPECT_EQ(result.exit_code, 0) << command;
    EXPECT_NE(result.out.find("Usage: twostep-device"), std::string::npos) << command;
  }
}

TEST(DeviceCli, CodePrintsTheTotpOfTheStoredSecret) {
  const fs::path path = fs::temp_directory_path() / ("twostep-cli-" + std::to_string(::getpid()));
  DeviceState state;
  state.server_url = "https://h";
  state.ws_url = "wss://h/v1/device/ws";
  state.device_id = "dev";
  state.user = {"u", "alice", ""};
  state.private_key_pem = core::SecretBytes::from_string("pem");
  state.totp_secret = core::SecretBytes::from_string("12345678901234567890");
  state.totp = {totp::Algorithm::kSha1, 8, 30};
  ASSERT_TRUE(save_state(path, state).has_value());
  // RFC 6238 Appendix B: T = 59 → 94287082 (SHA1, 8 digits).
  const auto result = run_command({binary(), "code", "--state", path.string(), "--time", "59"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "94287082\n");
  fs::remove(path);
  EXPECT_EQ(run_command({binary(), "code", "--state", path.string()}).exit_code, 1);
}

TEST(DeviceCli, ActivateRefusesABadUri) {
  const auto result = run_command({binary(), "activate", "--state", "/nonexistent/s.json", "--uri",
                                   "twostep://activate?code=x"});
  EXPECT_EQ(result.exit_code, 1);
}

}  // namespace
}  // namespace twostep::client
