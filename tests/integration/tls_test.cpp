// TLS: protocol versions, suites, and the self-signed certificate made on first run.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "tests/integration/harness/server_test.hpp"

namespace twostep::testing {
namespace {

using TlsTest = ServerTest;

ClientOptions tls_range(int min_version, int max_version, std::string tls12_ciphers = {}) {
  ClientOptions options;
  options.min_tls_version = min_version;
  options.max_tls_version = max_version;
  options.tls12_ciphers = std::move(tls12_ciphers);
  return options;
}

ClientOptions verifying(std::string host) {
  ClientOptions options;
  options.verify_host = std::move(host);
  return options;
}

TEST_F(TlsTest, NegotiatesTls13ByDefault) {
  EXPECT_EQ(client().tls_version(), "TLSv1.3");
  EXPECT_EQ(client().get("/healthz").status, 200u);
}

TEST_F(TlsTest, AcceptsTls12WithForwardSecrecyAead) {
  HttpsClient tls12 = server().client(tls_range(0, TLS1_2_VERSION));
  EXPECT_EQ(tls12.tls_version(), "TLSv1.2");
  std::string cipher = tls12.tls_cipher();
  EXPECT_TRUE(cipher.starts_with("ECDHE-ECDSA-")) << cipher;
  EXPECT_TRUE(cipher.find("GCM") != std::string::npos ||
              cipher.find("CHACHA20") != std::string::npos)
      << cipher;
  EXPECT_EQ(tls12.get("/healthz").status, 200u);
}

TEST_F(TlsTest, RefusesTls11AndTls10) {
  for (int version : {TLS1_1_VERSION, TLS1_VERSION}) {
    HttpsClient old = server().client(tls_range(version, version));
    EXPECT_THROW(old.tls_version(), ClientError) << version;
  }
}

TEST_F(TlsTest, RefusesTls12SuitesWithoutForwardSecrecyOrAead) {
  for (std::string suite : {"AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA", "AES256-SHA256"}) {
    HttpsClient weak = server().client(tls_range(0, TLS1_2_VERSION, suite));
    EXPECT_THROW(weak.tls_version(), ClientError) << suite;
  }
}

TEST_F(TlsTest, CertificateNamesLocalhostAndLoopback) {
  EXPECT_NO_THROW(server().client(verifying("localhost")).tls_version());
  EXPECT_NO_THROW(server().client(verifying("127.0.0.1")).tls_version());
  EXPECT_THROW(server().client(verifying("mfa.example.com")).tls_version(), ClientError);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(TlsCertificate, IsReusedAfterRestartAndKeyIsPrivate) {
  std::string first_cert;
  std::shared_ptr<PgTestDatabase> database;  // on PostgreSQL, the restart keeps the database
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("twostep-it-restart-" + std::to_string(::getpid()));
  {
    ServerProcessOptions options;
    options.data_dir = dir;
    ServerProcess server(options);
    ASSERT_TRUE(server.running());
    database = server.database();
    first_cert = read_file(server.cert_path());
    auto perms = std::filesystem::status(dir / "tls" / "key.pem").permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    EXPECT_EQ(std::filesystem::status(dir).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_all);
  }
  {
    ServerProcessOptions options;
    options.data_dir = dir;
    options.database = database;
    ServerProcess again(options);
    ASSERT_TRUE(again.running());
    EXPECT_EQ(read_file(again.cert_path()), first_cert);
    EXPECT_EQ(again.client().get("/healthz").status, 200u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace twostep::testing
