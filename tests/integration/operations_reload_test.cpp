// SIGHUP over the real binary, on SQLite and PostgreSQL, with an operator's own certificate
// (tls_cert / tls_key): a new certificate is served to new connections while an open device
// WebSocket and an open keep-alive connection stay up; a broken certificate or configuration
// file is refused with a log line and the old one stays in force.
#include <csignal>
#include <fstream>
#include <thread>

#include "core/clock.hpp"
#include "server/certificate.hpp"
#include "tests/integration/push_support.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::itest {
namespace {

namespace fs = std::filesystem;
using testing::ClientOptions;
using testing::HttpsClient;
using testing::ServerProcess;
using testing::ServerProcessOptions;
using testing::TempDir;

class OperationsReload : public ::testing::Test {
 protected:
  OperationsReload() {
    issue_certificate();
    fs::copy_file(files_.cert, first_cert_);
  }

  // A new self-signed certificate for 127.0.0.1 in the configured files.
  void issue_certificate() {
    core::SystemRandom random;
    server::write_self_signed_certificate(files_, {"127.0.0.1"}, core::SystemClock().now(),
                                          std::chrono::hours(1), random);
  }

  std::string config_toml() const {
    return "tls_cert = \"" + files_.cert.string() + "\"\ntls_key = \"" + files_.key.string() +
           "\"\n";
  }

  void start() {
    ServerProcessOptions options;
    options.config_toml = config_toml();
    server_.emplace(options);
    ASSERT_TRUE(server_->running());
  }

  fs::path config_file() const { return server_->data_dir().parent_path() / "twostep.toml"; }

  // Sends SIGHUP and waits for the reload's log line (`outcome`, counted from before).
  bool reload(const std::string& outcome) {
    const std::size_t before = count(outcome);
    ::kill(server_->pid(), SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (count(outcome) > before) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  std::size_t count(const std::string& text) const {
    const std::string log = server_->log();
    std::size_t n = 0;
    for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
    return n;
  }

  // A client that trusts only `ca`: its handshake fails unless the server presents `ca`.
  HttpsClient pinned(const fs::path& ca) const {
    ClientOptions options;
    options.ca_file = ca;
    options.timeout = 5s;
    return HttpsClient(server_->port(), options);
  }

  bool handshake_ok(const fs::path& ca) const {
    try {
      HttpsClient client = pinned(ca);
      return client.get("/healthz").status == 200;
    } catch (const testing::ClientError&) {
      return false;
    }
  }

  TempDir dir_;
  server::TlsFiles files_{dir_ / "cert.pem", dir_ / "key.pem"};
  fs::path first_cert_ = dir_ / "first-cert.pem";
  std::optional<ServerProcess> server_;
};

TEST_F(OperationsReload, NewConnectionsGetTheNewCertificateAndOpenOnesStayUp) {
  start();
  Admin admin(server_->port(), server_->admin_token());
  Application app(server_->port(), admin.create_application("VPN"));
  admin.create_user("alice");
  TestDevice phone = admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  HttpsClient kept = pinned(first_cert_);
  ASSERT_EQ(kept.get("/healthz").status, 200u);

  issue_certificate();
  ASSERT_TRUE(reload("\"reloaded\"")) << server_->log();
  EXPECT_TRUE(handshake_ok(files_.cert)) << "a new connection sees the new certificate";
  EXPECT_FALSE(handshake_ok(first_cert_)) << "and no longer the old one";

  // The keep-alive connection made before the reload still answers on the same connection.
  EXPECT_EQ(kept.get("/healthz").status, 200u);
  EXPECT_EQ(kept.requests_on_connection(), 2);
  // The device's WebSocket stayed up: a push reaches it.
  const Response pushed = app.push("alice");
  ASSERT_EQ(pushed.status, 202u) << pushed.body;
  const auto frame = phone.next_of("push");
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->str("txid"), pushed.str("txid"));
}

TEST_F(OperationsReload, ABrokenCertificateOrConfigIsRefusedAndTheOldOneStays) {
  start();
  fs::copy_file(files_.key, dir_ / "first-key.pem");
  std::ofstream(files_.cert, std::ios::trunc) << "-----BEGIN CERTIFICATE-----\nbroken\n";
  ASSERT_TRUE(reload("reload refused")) << server_->log();
  EXPECT_NE(server_->log().find("TLS certificate"), std::string::npos);
  EXPECT_TRUE(handshake_ok(first_cert_)) << "the old certificate is still served";

  // A certificate whose key is another one's is refused too.
  issue_certificate();
  fs::copy_file(dir_ / "first-key.pem", files_.key, fs::copy_options::overwrite_existing);
  ASSERT_TRUE(reload("reload refused")) << server_->log();
  EXPECT_TRUE(handshake_ok(first_cert_));

  // A configuration file that does not parse is refused before anything is applied.
  issue_certificate();
  std::ofstream(config_file(), std::ios::app) << "no_such_setting = 1\n";
  ASSERT_TRUE(reload("reload refused")) << server_->log();
  EXPECT_NE(server_->log().find("no_such_setting"), std::string::npos);
  EXPECT_TRUE(handshake_ok(first_cert_));

  // Fixed, the next SIGHUP takes everything up.
  std::ofstream(config_file(), std::ios::trunc) << config_toml();
  ASSERT_TRUE(reload("\"reloaded\"")) << server_->log();
  EXPECT_TRUE(handshake_ok(files_.cert));
  EXPECT_EQ(server_->stop(), 0) << "the server never stopped serving";
}

}  // namespace
}  // namespace twostep::itest
