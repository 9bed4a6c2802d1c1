#include "core/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/core/temp_dir.hpp"

namespace twostep::core {
namespace {

class ConfigFileTest : public ::testing::Test {
 protected:
  twostep::testing::TempDir dir_;
  std::filesystem::path write(const std::string& text) {
    const auto path = dir_ / "twostep.toml";
    std::ofstream(path) << text;
    return path;
  }
  // Loads `text` and returns the ConfigError message ("" when it loads).
  std::string error_of(const std::string& text) {
    try {
      load_config_file(write(text));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(ConfigFileTest, ReadsEveryKey) {
  const Config c = load_config_file(write(R"(
listen = "127.0.0.1:0"
data_dir = "/srv/twostep"
db = "sqlite:/srv/twostep/x.db"
public_url = "https://mfa.example.com/"
tls_cert = "cert.pem"
tls_key = "key.pem"
master_key = "/etc/twostep/master.key"
allowed_origins = ["https://a.example", "https://b.example"]
io_threads = 2
worker_threads = 4
body_limit = 1024
read_timeout_seconds = 5
idle_timeout_seconds = 30
log_level = "debug"
)"));
  EXPECT_EQ(c.listen, "127.0.0.1:0");
  EXPECT_EQ(c.data_dir, "/srv/twostep");
  EXPECT_EQ(c.database_url(), "sqlite:/srv/twostep/x.db");
  EXPECT_EQ(c.base_url(), "https://mfa.example.com");
  EXPECT_EQ(c.tls_cert, "cert.pem");
  EXPECT_EQ(c.tls_key, "key.pem");
  EXPECT_EQ(c.master_key_path(), "/etc/twostep/master.key");
  EXPECT_EQ(c.allowed_origins,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(c.io_threads, 2u);
  EXPECT_EQ(c.worker_threads, 4u);
  EXPECT_EQ(c.body_limit, 1024u);
  EXPECT_EQ(c.read_timeout_seconds, 5u);
  EXPECT_EQ(c.idle_timeout_seconds, 30u);
  EXPECT_EQ(c.log_level, "debug");
}

TEST_F(ConfigFileTest, KeepsBaseValuesForMissingKeys) {
  Config base;
  base.worker_threads = 7;
  const Config c = load_config_file(write("io_threads = 3\n"), base);
  EXPECT_EQ(c.io_threads, 3u);
  EXPECT_EQ(c.worker_threads, 7u);
  EXPECT_EQ(c.listen, "0.0.0.0:8443");
}

TEST_F(ConfigFileTest, RejectsUnknownKeysNamingKeyAndFile) {
  const std::string message = error_of("listen = \"127.0.0.1:1\"\nlisten_port = 8443\n");
  EXPECT_NE(message.find("listen_port"), std::string::npos) << message;
  EXPECT_NE(message.find("twostep.toml"), std::string::npos) << message;
}

TEST_F(ConfigFileTest, RejectsWrongTypesAndValues) {
  EXPECT_NE(error_of("io_threads = \"2\"").find("io_threads"), std::string::npos);
  EXPECT_NE(error_of("listen = 8443").find("listen"), std::string::npos);
  EXPECT_NE(error_of("allowed_origins = \"https://a\"").find("allowed_origins"), std::string::npos);
  EXPECT_NE(error_of("allowed_origins = [1]").find("allowed_origins"), std::string::npos);
  EXPECT_NE(error_of("worker_threads = -1").find("worker_threads"), std::string::npos);
  EXPECT_NE(error_of("io_threads = 0").find("io_threads"), std::string::npos);
  EXPECT_NE(error_of("log_level = \"loud\"").find("log_level"), std::string::npos);
  EXPECT_NE(error_of("listen = \"nonsense\"").find("listen"), std::string::npos);
  EXPECT_NE(error_of("[server]\nlisten = \"x:1\"").find("server"), std::string::npos);
}

TEST_F(ConfigFileTest, ReportsSyntaxErrorsAndMissingFiles) {
  EXPECT_NE(error_of("listen = ").find("twostep.toml"), std::string::npos);
  EXPECT_THROW(load_config_file(dir_ / "missing.toml"), ConfigError);
}

TEST(ConfigDefaults, DeriveDatabaseKeyAndBaseUrl) {
  Config c;
  c.data_dir = "/var/lib/twostep";
  EXPECT_EQ(c.database_url(), "sqlite:/var/lib/twostep/twostep.db");
  EXPECT_EQ(c.master_key_path(), "/var/lib/twostep/master.key");
  EXPECT_EQ(c.base_url(), "https://localhost:8443");
  c.listen = "[::]:9000";
  EXPECT_EQ(c.base_url(), "https://localhost:9000");
  c.listen = "[::1]:9000";
  EXPECT_EQ(c.base_url(), "https://[::1]:9000");
  c.listen = "mfa.internal:443";
  EXPECT_EQ(c.base_url(), "https://mfa.internal:443");
  c.public_url = "https://mfa.example.com//";
  EXPECT_EQ(c.base_url(), "https://mfa.example.com");
}

TEST(SplitHostPort, AcceptsTheListenForms) {
  EXPECT_EQ(split_host_port("127.0.0.1:0"),
            (std::pair<std::string, std::uint16_t>{"127.0.0.1", 0}));
  EXPECT_EQ(split_host_port("[::1]:8443"), (std::pair<std::string, std::uint16_t>{"::1", 8443}));
  EXPECT_EQ(split_host_port("localhost:8443"),
            (std::pair<std::string, std::uint16_t>{"localhost", 8443}));
  EXPECT_EQ(split_host_port(":65535"), (std::pair<std::string, std::uint16_t>{"", 65535}));
}

TEST(SplitHostPort, RejectsMalformedAddresses) {
  for (const char* bad :
       {"", "localhost", "localhost:", "localhost:65536", "localhost:-1", "localhost:+1",
        "localhost:84a", "::1:8443", "[::1]8443", "[::1", "[]:80", "host:99999999999999999999"}) {
    EXPECT_THROW(split_host_port(bad), ConfigError) << bad;
  }
}

}  // namespace
}  // namespace twostep::core
