// The webhook provider against a real HTTPS receiver on 127.0.0.1: a verified TLS
// connection, the JSON body and its HMAC signature, retries with backoff, and failures that
// reach the caller.
#include "phone/webhook_provider.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include "tests/support/https_receiver.hpp"

namespace twostep::phone {
namespace {

using std::chrono::milliseconds;
using twostep::testing::HttpsReceiver;

const std::string kSecret = "webhook-shared-secret-0123456789";

std::string expected_signature(const std::string& timestamp, const std::string& body) {
  return twostep::testing::expected_webhook_signature(kSecret, timestamp, body);
}

const Message kMessage{Channel::kSms, "+31612345678",  "", "Your twostep sign-in code is 123456.",
                       "123456",      Purpose::kSignIn};

class WebhookTest : public ::testing::Test {
 protected:
  WebhookConfig config(const std::string& url, const std::filesystem::path& ca_file) {
    WebhookConfig c;
    c.url = url;
    c.secret = core::SecretBytes::from_string(kSecret);
    c.ca_file = ca_file;
    c.timeout = milliseconds(3000);
    c.attempts = 3;
    c.backoff = milliseconds(250);
    c.sleep = [this](milliseconds d) { pauses_.push_back(d); };
    return c;
  }
  core::ManualClock clock_{core::from_unix_seconds(1'800'000'000)};
  std::vector<milliseconds> pauses_;
};

TEST_F(WebhookTest, PostsSignedJsonOverAVerifiedConnection) {
  HttpsReceiver receiver({200});
  WebhookProvider provider(config(receiver.url("/sms/send?account=7"), receiver.ca_file()), clock_);
  const auto sent = provider.send(kMessage);
  ASSERT_TRUE(sent) << sent.error().message;
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/sms/send?account=7");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.headers.at("host"), "127.0.0.1:" + std::to_string(receiver.port()));
  EXPECT_EQ(r.headers.at("x-twostep-timestamp"), "1800000000");
  EXPECT_EQ(r.headers.at("x-twostep-signature"), expected_signature("1800000000", r.body));
  const auto body = boost::json::parse(r.body).as_object();
  EXPECT_EQ(body.at("channel"), "sms");
  EXPECT_EQ(body.at("to"), "+31612345678");
  EXPECT_EQ(body.at("text"), "Your twostep sign-in code is 123456.");
  EXPECT_EQ(body.at("code"), "123456");
  EXPECT_EQ(body.at("time"), "2027-01-15T08:00:00Z");
  EXPECT_TRUE(pauses_.empty());
}

TEST_F(WebhookTest, ASignatureOverAnotherBodyDoesNotMatch) {
  const std::string body = R"({"to":"+31612345678"})";
  const auto secret = core::SecretBytes::from_string(kSecret);
  EXPECT_EQ(webhook_signature(secret, "1800000000", body), expected_signature("1800000000", body));
  EXPECT_NE(webhook_signature(secret, "1800000000", body),
            expected_signature("1800000000", R"({"to":"+31612345679"})"));
  EXPECT_NE(webhook_signature(secret, "1800000001", body), expected_signature("1800000000", body));
}

TEST_F(WebhookTest, RetriesServerErrorsWithExponentialBackoff) {
  HttpsReceiver receiver({500, 503, 200});
  WebhookProvider provider(config(receiver.url(), receiver.ca_file()), clock_);
  const auto sent = provider.send(kMessage);
  ASSERT_TRUE(sent) << sent.error().message;
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(pauses_, (std::vector<milliseconds>{milliseconds(250), milliseconds(500)}));
  for (const auto& r : requests) {
    EXPECT_EQ(r.body, requests[0].body);  // the same message each time
    EXPECT_EQ(r.headers.at("x-twostep-signature"),
              expected_signature(r.headers.at("x-twostep-timestamp"), r.body));
  }
}

TEST_F(WebhookTest, SurfacesTheFailureAfterTheLastTry) {
  HttpsReceiver receiver({500});
  WebhookProvider provider(config(receiver.url(), receiver.ca_file()), clock_);
  const auto sent = provider.send(kMessage);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().kind, core::ErrorKind::kUnavailable);
  EXPECT_EQ(sent.error().code, "delivery_failed");
  EXPECT_NE(sent.error().message.find("HTTP 500"), std::string::npos) << sent.error().message;
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(pauses_.size(), 2u);
}

TEST_F(WebhookTest, DoesNotRetryARefusal) {
  HttpsReceiver receiver({401});
  WebhookProvider provider(config(receiver.url(), receiver.ca_file()), clock_);
  const auto sent = provider.send(kMessage);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("HTTP 401"), std::string::npos);
  EXPECT_EQ(receiver.requests().size(), 1u);
  EXPECT_TRUE(pauses_.empty());
}

TEST_F(WebhookTest, RetriesTooManyRequests) {
  HttpsReceiver receiver({429, 200});
  WebhookProvider provider(config(receiver.url(), receiver.ca_file()), clock_);
  EXPECT_TRUE(provider.send(kMessage));
  EXPECT_EQ(receiver.requests().size(), 2u);
}

TEST_F(WebhookTest, RefusesAReceiverWhoseCertificateIsNotTrusted) {
  HttpsReceiver receiver({200});
  twostep::testing::TempDir dir;
  const auto other = twostep::testing::make_self_signed(dir.path(), "stranger");
  WebhookProvider provider(config(receiver.url(), other.cert), clock_);
  const auto sent = provider.send(kMessage);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "delivery_failed");
  EXPECT_NE(sent.error().message.find("certificate"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(receiver.requests().empty());  // nothing was sent over the untrusted link
}

TEST_F(WebhookTest, ChecksTheNameInTheCertificate) {
  // The certificate names localhost only: the same server reached by its IP address is
  // refused, by its name accepted (with SNI and host name verification).
  HttpsReceiver receiver({200}, "DNS:localhost");
  auto by_ip = config(receiver.url(), receiver.ca_file());
  by_ip.attempts = 1;
  WebhookProvider provider(std::move(by_ip), clock_);
  const auto sent = provider.send(kMessage);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("certificate"), std::string::npos) << sent.error().message;
  EXPECT_TRUE(receiver.requests().empty());
  WebhookProvider by_name(
      config("https://localhost:" + std::to_string(receiver.port()) + "/hook", receiver.ca_file()),
      clock_);
  const auto named = by_name.send(kMessage);
  EXPECT_TRUE(named) << named.error().message;
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].headers.at("host"),
            "localhost:" + std::to_string(receiver.port()));
}

// A listener that never accepts: the TCP handshake completes in the kernel, the TLS one
// never does, so only the deadline ends the attempt.
TEST_F(WebhookTest, GivesUpOnASilentReceiverAtTheDeadline) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  HttpsReceiver unused({200});
  auto c =
      config("https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/", unused.ca_file());
  c.timeout = milliseconds(200);
  c.attempts = 2;
  WebhookProvider provider(std::move(c), clock_);
  const auto started = std::chrono::steady_clock::now();
  const auto sent = provider.send(kMessage);
  const auto took = std::chrono::steady_clock::now() - started;
  ::close(fd);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("timed out"), std::string::npos) << sent.error().message;
  EXPECT_EQ(pauses_.size(), 1u);
  // Two attempts of 200 ms each; the reactor's millisecond rounding can end a wait a few
  // microseconds early (399.95 ms was seen), so allow a little under the sum.
  EXPECT_GE(took, milliseconds(390));
  EXPECT_LT(took, milliseconds(5000));
}

TEST_F(WebhookTest, ReportsARefusedConnection) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);  // a port that was free a moment ago and has no listener
  HttpsReceiver unused({200});
  WebhookProvider provider(
      config("https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)), unused.ca_file()),
      clock_);
  const auto sent = provider.send(kMessage);
  ASSERT_FALSE(sent);
  EXPECT_NE(sent.error().message.find("connect"), std::string::npos) << sent.error().message;
  EXPECT_EQ(pauses_.size(), 2u);
}

TEST_F(WebhookTest, RefusesABadConfigurationAtStartUp) {
  HttpsReceiver receiver({200});
  EXPECT_THROW(WebhookProvider(config("http://127.0.0.1/hook", ""), clock_), std::invalid_argument);
  auto short_secret = config(receiver.url(), receiver.ca_file());
  short_secret.secret = core::SecretBytes::from_string("short");
  EXPECT_THROW(WebhookProvider(std::move(short_secret), clock_), std::invalid_argument);
  auto no_tries = config(receiver.url(), receiver.ca_file());
  no_tries.attempts = 0;
  EXPECT_THROW(WebhookProvider(std::move(no_tries), clock_), std::invalid_argument);
  EXPECT_THROW(WebhookProvider(config(receiver.url(), "/nonexistent/ca.pem"), clock_),
               std::runtime_error);
}

TEST(HttpsUrl, ParsesHostPortAndPath) {
  auto t = detail::parse_https_url("https://sms.example.com/v1/send?x=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "sms.example.com");
  EXPECT_EQ(t->port, 443);
  EXPECT_EQ(t->path, "/v1/send?x=1");
  t = detail::parse_https_url("https://127.0.0.1:8443");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->port, 8443);
  EXPECT_EQ(t->path, "/");
  t = detail::parse_https_url("https://[::1]:9000/hook");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "::1");
  EXPECT_EQ(t->port, 9000);
  t = detail::parse_https_url("https://gw.example?token=a");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/?token=a");
}

TEST(HttpsUrl, RejectsWhatItCannotSafelyReach) {
  for (const char* url : {"http://sms.example.com/", "ftp://x", "https://", "https://:443/",
                          "https://user:pw@sms.example.com/", "https://sms.example.com/#frag",
                          "https://sms.example.com:0/", "https://sms.example.com:65536/",
                          "https://sms.example.com:8x/", "https://sms.example.com:/",
                          "https://[::1/", "https://sms example.com/", "https://a_b.com/"}) {
    EXPECT_FALSE(detail::parse_https_url(url)) << url;
  }
}

}  // namespace
}  // namespace twostep::phone
