#include "client/state.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

namespace twostep::client {
namespace {

namespace fs = std::filesystem;

class StateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "twostep-state-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static DeviceState sample() {
    DeviceState state;
    state.server_url = "https://mfa.example.com:8443";
    state.ws_url = "wss://mfa.example.com:8443/v1/device/ws";
    state.device_id = "dev_abc";
    state.user = {"usr_1", "alice", "Alice Example"};
    state.device_name = "Alice's phone";
    state.platform = "linux";
    state.app_version = "0.1.0";
    state.activated_at = "2026-11-27T23:45:11Z";
    state.private_key_pem = core::SecretBytes::from_string("-----BEGIN PRIVATE KEY-----\nx\n");
    state.totp_secret = core::SecretBytes::from_string("12345678901234567890");
    state.totp = {totp::Algorithm::kSha256, 8, 60};
    state.tls = {true, "", "ab12"};
    return state;
  }

  static unsigned mode_of(const fs::path& path) {
    struct stat info {};
    ::stat(path.c_str(), &info);
    return info.st_mode & 0777;
  }

  fs::path dir_;
};

TEST_F(StateFile, RoundTripKeepsEveryField) {
  const fs::path path = dir_ / "device.json";
  const DeviceState original = sample();
  ASSERT_TRUE(save_state(path, original).has_value());
  auto loaded = load_state(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->server_url, original.server_url);
  EXPECT_EQ(loaded->ws_url, original.ws_url);
  EXPECT_EQ(loaded->device_id, original.device_id);
  EXPECT_EQ(loaded->user, original.user);
  EXPECT_EQ(loaded->device_name, original.device_name);
  EXPECT_EQ(loaded->platform, original.platform);
  EXPECT_EQ(loaded->app_version, original.app_version);
  EXPECT_EQ(loaded->activated_at, original.activated_at);
  EXPECT_EQ(loaded->private_key_pem.unsafe_string_view(),
            original.private_key_pem.unsafe_string_view());
  EXPECT_EQ(loaded->totp_secret.unsafe_string_view(), "12345678901234567890");
  EXPECT_EQ(loaded->totp, original.totp);
  EXPECT_EQ(loaded->tls, original.tls);
}

TEST_F(StateFile, WrittenWithMode0600AndNoTemporaryLeft) {
  const fs::path path = dir_ / "device.json";
  ASSERT_TRUE(save_state(path, sample()).has_value());
  EXPECT_EQ(mode_of(path), 0600u);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(StateFile, ReplacingAnOpenFileKeepsMode0600) {
  const fs::path path = dir_ / "device.json";
  std::ofstream(path) << "old";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read);
  ASSERT_TRUE(save_state(path, sample()).has_value());
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_TRUE(load_state(path).has_value());
}

TEST_F(StateFile, SecretIsStoredAsBase32) {
  const fs::path path = dir_ / "device.json";
  ASSERT_TRUE(save_state(path, sample()).has_value());
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), std::string::npos);
  EXPECT_EQ(text.find("12345678901234567890"), std::string::npos);
}

TEST_F(StateFile, RefusesAFileOthersCanRead) {
  const fs::path path = dir_ / "device.json";
  ASSERT_TRUE(save_state(path, sample()).has_value());
  fs::permissions(path, fs::perms::group_read, fs::perm_options::add);
  auto loaded = load_state(path);
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, "state_insecure");
}

TEST_F(StateFile, MissingFileIsUnreadable) {
  auto loaded = load_state(dir_ / "absent.json");
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, "state_unreadable");
}

TEST_F(StateFile, SaveFailsInAMissingDirectory) {
  auto saved = save_state(dir_ / "no" / "such" / "device.json", sample());
  ASSERT_FALSE(saved.has_value());
  EXPECT_EQ(saved.error().code, "state_write_failed");
}

TEST(StateParse, RejectsMalformedStates) {
  const core::SecretBytes good_bytes = serialize_state([] {
    DeviceState state;
    state.server_url = "https://h";
    state.ws_url = "wss://h/v1/device/ws";
    state.device_id = "dev";
    state.user = {"u", "alice", ""};
    state.private_key_pem = core::SecretBytes::from_string("pem");
    state.totp_secret = core::SecretBytes::from_string("secret");
    return state;
  }());
  const std::string good(good_bytes.unsafe_string_view());
  ASSERT_TRUE(parse_state(good).has_value());

  const auto replace = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), replace("\"version\":1", "\"version\":2"),
        replace("\"device_id\":\"dev\"", "\"device_id\":\"\""),
        replace("\"device_id\":\"dev\",", ""), replace("\"digits\":6", "\"digits\":7"),
        replace("\"algorithm\":\"SHA1\"", "\"algorithm\":\"MD5\""),
        replace("\"secret\":\"", "\"secret\":\"1!")}) {
    auto parsed = parse_state(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, "invalid_state") << bad;
  }
}

}  // namespace
}  // namespace twostep::client
