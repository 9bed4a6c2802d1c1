#include "client/device_connection.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "core/crypto.hpp"
#include "tests/unit/client/test_server.hpp"

namespace twostep::client {
namespace {

namespace json = boost::json;
using testing::Peer;
using testing::run_until;
using testing::TestCertificate;
using testing::TestServer;

struct Recorder : DeviceEvents {
  int ready = 0;
  std::vector<PushRequest> pushes;
  std::vector<Cancel> cancels;
  std::vector<PushResult> results;
  std::vector<Notice> notices;
  std::vector<ServerError> errors;
  std::vector<std::string> deactivations;
  std::vector<CloseInfo> closes;
  std::function<void(DeviceConnection&)> when_ready;
  std::function<void(DeviceConnection&, const PushRequest&)> when_push;

  void on_ready(DeviceConnection& c, std::int64_t) override {
    ++ready;
    if (when_ready) when_ready(c);
  }
  void on_push(DeviceConnection& c, const PushRequest& push) override {
    pushes.push_back(push);
    if (when_push) when_push(c, push);
  }
  void on_cancel(DeviceConnection&, const Cancel& cancel) override { cancels.push_back(cancel); }
  void on_result(DeviceConnection&, const PushResult& result) override {
    results.push_back(result);
  }
  void on_notice(DeviceConnection&, const Notice& notice) override { notices.push_back(notice); }
  void on_error(DeviceConnection&, const ServerError& error) override { errors.push_back(error); }
  void on_deactivated(DeviceConnection&, const Deactivated& why) override {
    deactivations.push_back(why.reason);
  }
  void on_closed(DeviceConnection&, const CloseInfo& info) override { closes.push_back(info); }

  bool stopped() const { return !closes.empty() && closes.back().final; }
};

class DeviceConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.devices[kDeviceId] = core::parse_p256_public_key(key_->public_key_der()).value();
  }
  void TearDown() override {
    if (connection_) {
      connection_->stop();
      EXPECT_TRUE(run_until(io_, [&] { return events_.stopped(); }));
    }
  }

  static ConnectionOptions fast_options() {
    ConnectionOptions options;
    options.handshake_timeout = std::chrono::seconds(5);
    options.backoff = {std::chrono::milliseconds(10), std::chrono::milliseconds(40)};
    return options;
  }

  // Trust the test server by its pinned key (the certificate is self-signed).
  TlsOptions pinned() const { return TlsOptions{true, "", certificate_.pin}; }

  DeviceConnection& connect(TlsOptions tls, ConnectionOptions options = fast_options(),
                            const std::string& host = "127.0.0.1") {
    auto target = make_server_target(parse_url(server_.ws_url(host)).value(), tls);
    EXPECT_TRUE(target.has_value());
    connection_ = DeviceConnection::create(io_.get_executor(), *target, {kDeviceId, key_},
                                           std::move(options), random_, events_);
    connection_->start();
    return *connection_;
  }

  bool wait_ready(int count = 1) {
    return run_until(io_, [&] { return events_.ready >= count; });
  }

  static json::object frame(const std::string& text) { return json::parse(text).as_object(); }

  static constexpr const char* kDeviceId = "dev_test";
  boost::asio::io_context io_;
  TestCertificate certificate_ = testing::make_certificate({"localhost"}, {"127.0.0.1"});
  TestServer server_{io_, certificate_};
  core::SeededRandom random_{42};
  Recorder events_;
  std::shared_ptr<const DeviceKey> key_ =
      std::make_shared<const DeviceKey>(DeviceKey::generate().value());
  std::shared_ptr<DeviceConnection> connection_;
};

TEST_F(DeviceConnectionTest, AuthenticatesWithASignatureOverTheNonce) {
  auto& connection = connect(pinned());
  ASSERT_TRUE(wait_ready());
  EXPECT_EQ(connection.status(), DeviceConnection::Status::kReady);
  ASSERT_EQ(server_.peers.size(), 1u);
  EXPECT_EQ(server_.peers[0]->device_id, kDeviceId);
}

TEST_F(DeviceConnectionTest, ApprovesAPushWithASignedNumber) {
  events_.when_push = [](DeviceConnection& c, const PushRequest& push) {
    c.respond(push.txid, Decision::kApprove, "42");
  };
  connect(pinned());
  ASSERT_TRUE(wait_ready());
  auto peer = server_.peers.at(0);
  peer->send(R"({"type":"push","txid":"tx_1","context":{"app":"VPN","ip":"203.0.113.9",
                 "location":"Oslo","browser":"Firefox"},"expires_at":"2026-11-28T00:00:00Z"})");
  ASSERT_TRUE(run_until(io_, [&] { return !peer->received.empty(); }));
  ASSERT_EQ(events_.pushes.size(), 1u);
  EXPECT_EQ(events_.pushes[0].context.location, "Oslo");

  const auto respond = frame(peer->received[0]);
  EXPECT_EQ(respond.at("type"), "respond");
  EXPECT_EQ(respond.at("txid"), "tx_1");
  EXPECT_EQ(respond.at("decision"), "approve");
  EXPECT_EQ(respond.at("number"), "42");
  const auto signature = core::base64url_decode(respond.at("signature").as_string());
  ASSERT_TRUE(signature.has_value());
  const auto public_key = server_.devices.at(kDeviceId);
  EXPECT_TRUE(core::verify_p256(public_key, "twostep-push:tx_1:approve:42", *signature));

  peer->send(R"({"type":"result","txid":"tx_1","status":"approved"})");
  ASSERT_TRUE(run_until(io_, [&] { return !events_.results.empty(); }));
  EXPECT_EQ(events_.results[0].status, "approved");
}

TEST_F(DeviceConnectionTest, DenyAndFraudCarryNoNumber) {
  auto& connection = connect(pinned());
  ASSERT_TRUE(wait_ready());
  auto peer = server_.peers.at(0);
  connection.respond("tx_2", Decision::kDeny, "17");
  connection.respond("tx_3", Decision::kFraud);
  ASSERT_TRUE(run_until(io_, [&] { return peer->received.size() == 2; }));
  const auto public_key = server_.devices.at(kDeviceId);
  for (const auto& [text, message] : {std::pair{peer->received[0], "twostep-push:tx_2:deny:"},
                                      std::pair{peer->received[1], "twostep-push:tx_3:fraud:"}}) {
    const auto object = frame(text);
    EXPECT_EQ(object.at("number"), "");
    const auto signature = core::base64url_decode(object.at("signature").as_string());
    ASSERT_TRUE(signature.has_value());
    EXPECT_TRUE(core::verify_p256(public_key, message, *signature)) << message;
  }
}

TEST_F(DeviceConnectionTest, ReportsCancelAndNoticesAndSendsSignedNotMeAndRemove) {
  auto& connection = connect(pinned());
  ASSERT_TRUE(wait_ready());
  auto peer = server_.peers.at(0);
  peer->send(R"({"type":"cancel","txid":"tx_9"})");
  peer->send(R"({"type":"notice","event_id":"ev_1","event":"device_added",
                 "detail":{"device_name":"Pixel"},"time":"2026-11-28T00:00:00Z"})");
  peer->send(R"({"type":"whatever","x":1})");  // unknown frames are ignored
  ASSERT_TRUE(run_until(io_, [&] { return events_.notices.size() == 1; }));
  ASSERT_EQ(events_.cancels.size(), 1u);
  EXPECT_EQ(events_.cancels[0].txid, "tx_9");
  EXPECT_EQ(events_.notices[0].event_id, "ev_1");

  connection.not_me("ev_1");
  connection.remove();
  ASSERT_TRUE(run_until(io_, [&] { return peer->received.size() == 2; }));
  const auto not_me = frame(peer->received[0]);
  EXPECT_EQ(not_me.at("type"), "not_me");
  const auto signature = core::base64url_decode(not_me.at("signature").as_string());
  ASSERT_TRUE(signature.has_value());
  EXPECT_TRUE(core::verify_p256(server_.devices.at(kDeviceId), "twostep-not-me:ev_1", *signature));
  EXPECT_EQ(frame(peer->received[1]), json::parse(R"({"type":"remove"})"));
  EXPECT_EQ(connection.status(), DeviceConnection::Status::kReady);
}

TEST_F(DeviceConnectionTest, UnknownDeviceIsRefusedWith4401AndNotRetried) {
  server_.devices.clear();
  connect(pinned());
  ASSERT_TRUE(run_until(io_, [&] { return events_.stopped(); }));
  EXPECT_EQ(events_.ready, 0);
  ASSERT_EQ(events_.closes.size(), 1u);
  EXPECT_EQ(events_.closes[0].close_code, 4401);
  ASSERT_EQ(events_.errors.size(), 1u);
  EXPECT_EQ(events_.errors[0].code, "unauthenticated");
  EXPECT_EQ(server_.handshakes, 1);
  EXPECT_EQ(connection_->status(), DeviceConnection::Status::kStopped);
}

TEST_F(DeviceConnectionTest, DeactivationStopsWithTheReason) {
  connect(pinned());
  ASSERT_TRUE(wait_ready());
  auto peer = server_.peers.at(0);
  peer->send(R"({"type":"deactivated","reason":"user_removed"})");
  peer->close(4403);
  ASSERT_TRUE(run_until(io_, [&] { return events_.stopped(); }));
  ASSERT_EQ(events_.deactivations.size(), 1u);
  EXPECT_EQ(events_.deactivations[0], "user_removed");
  EXPECT_EQ(events_.closes.back().close_code, 4403);
  EXPECT_TRUE(events_.closes.back().was_ready);
  EXPECT_EQ(server_.handshakes, 1);
}

TEST_F(DeviceConnectionTest, ReconnectsAfterTheServerDropsTheLink) {
  connect(pinned());
  ASSERT_TRUE(wait_ready());
  server_.peers.at(0)->close(1001);
  ASSERT_TRUE(wait_ready(2));
  ASSERT_EQ(events_.closes.size(), 1u);
  EXPECT_FALSE(events_.closes[0].final);
  EXPECT_EQ(events_.closes[0].close_code, 1001);
  EXPECT_LE(events_.closes[0].retry_in.count(), 10);
  EXPECT_EQ(server_.handshakes, 2);
}

TEST_F(DeviceConnectionTest, StopClosesNormally) {
  auto& connection = connect(pinned());
  ASSERT_TRUE(wait_ready());
  auto peer = server_.peers.at(0);
  connection.stop();
  ASSERT_TRUE(run_until(io_, [&] { return events_.stopped() && peer->closed; }));
  EXPECT_EQ(events_.closes.back().reason, "stopped");
  EXPECT_EQ(connection.status(), DeviceConnection::Status::kStopped);
}

TEST_F(DeviceConnectionTest, AnotherServerKeyFailsTheHandshake) {
  ConnectionOptions options = fast_options();
  options.reconnect = false;
  const auto other = testing::make_certificate({"localhost"}, {"127.0.0.1"});
  connect(TlsOptions{true, "", other.pin}, options);
  ASSERT_TRUE(run_until(io_, [&] { return events_.stopped(); }));
  EXPECT_EQ(events_.ready, 0);
  EXPECT_NE(events_.closes.back().reason.find("TLS"), std::string::npos);
  EXPECT_EQ(server_.handshakes, 0);
}

class DeviceConnectionCaTest : public DeviceConnectionTest {
 protected:
  void SetUp() override {
    DeviceConnectionTest::SetUp();
    ca_file_ = std::filesystem::temp_directory_path() /
               ("twostep-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(ca_file_) << certificate_.cert_pem;
  }
  void TearDown() override {
    DeviceConnectionTest::TearDown();
    std::filesystem::remove(ca_file_);
  }
  std::filesystem::path ca_file_;
};

TEST_F(DeviceConnectionCaTest, TrustsTheCaFileForTheCertifiedNames) {
  connect(TlsOptions{false, ca_file_.string(), ""}, fast_options(), "localhost");
  EXPECT_TRUE(wait_ready());
}

TEST_F(DeviceConnectionCaTest, RefusesANameTheCertificateDoesNotCover) {
  ConnectionOptions options = fast_options();
  options.reconnect = false;
  // A CA file whose certificate names only example.test: connecting to 127.0.0.1 must fail.
  const auto narrow = testing::make_certificate({"example.test"}, {});
  TestServer other(io_, narrow);
  other.devices = server_.devices;
  const auto narrow_file = ca_file_.string() + ".narrow";
  std::ofstream(narrow_file) << narrow.cert_pem;
  auto narrow_target = make_server_target(parse_url(other.ws_url("127.0.0.1")).value(),
                                          TlsOptions{false, narrow_file, ""});
  ASSERT_TRUE(narrow_target.has_value());
  connection_ = DeviceConnection::create(io_.get_executor(), *narrow_target, {kDeviceId, key_},
                                         options, random_, events_);
  connection_->start();
  ASSERT_TRUE(run_until(io_, [&] { return events_.stopped(); }));
  EXPECT_EQ(events_.ready, 0);
  EXPECT_EQ(other.handshakes, 0);
  std::filesystem::remove(narrow_file);
}

TEST_F(DeviceConnectionTest, StopBeforeStartNeverConnects) {
  auto target = make_server_target(parse_url(server_.ws_url()).value(), pinned()).value();
  auto connection = DeviceConnection::create(io_.get_executor(), target, {kDeviceId, key_},
                                             fast_options(), random_, events_);
  connection->stop();
  connection->start();
  io_.poll();
  EXPECT_EQ(server_.handshakes, 0);
  EXPECT_EQ(connection->status(), DeviceConnection::Status::kStopped);
}

}  // namespace
}  // namespace twostep::client
