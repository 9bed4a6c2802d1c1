// Connections that are opened and then never used — the cheapest denial of service — must
// not slow the server down for everyone else: 2,000 of them (most without a TLS handshake,
// some handshaken but silent) while a normal client's latency is compared with its own
// latency just before, in the same run.
#include <sys/resource.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <vector>

#include "tests/integration/harness/server_test.hpp"

namespace twostep::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kIdle = 2000;
constexpr std::size_t kIdleAfterHandshake = 200;
constexpr int kSamples = 30;

// The test holds a descriptor per connection; ask for what the hard limit allows.
std::size_t raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  getrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<std::size_t>(limit.rlim_cur);
}

// Median and maximum of kSamples GET /healthz on one keep-alive connection, in ms.
std::pair<double, double> healthz_latency(HttpsClient& client) {
  std::vector<double> ms;
  for (int i = 0; i < kSamples; ++i) {
    const auto start = Clock::now();
    EXPECT_EQ(client.get("/healthz").status, 200u);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

class IdleFlood : public ServerTest {
 protected:
  void SetUp() override {
    // The server inherits the raised limit (and raises its own soft limit to the hard one).
    if (raise_descriptor_limit() < kIdle + 512) GTEST_SKIP() << "RLIMIT_NOFILE too low here";
    ServerTest::SetUp();
  }
};

TEST_F(IdleFlood, TwoThousandSilentConnectionsDoNotSlowOthersDown) {
  HttpsClient other = server().client();
  const auto [median_before, max_before] = healthz_latency(other);

  std::vector<std::unique_ptr<TcpConnection>> silent;
  for (std::size_t i = 0; i < kIdle - kIdleAfterHandshake; ++i) {
    silent.push_back(std::make_unique<TcpConnection>("127.0.0.1", server().port()));
  }
  std::vector<RawConnection> handshaken;
  for (std::size_t i = 0; i < kIdleAfterHandshake; ++i) handshaken.push_back(client().raw());

  const auto [median_during, max_during] = healthz_latency(other);
  // A new connection (a full TLS handshake) is accepted and served at once too.
  const auto start = Clock::now();
  EXPECT_EQ(server().client().get("/healthz").status, 200u);
  const double fresh_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();

  std::cout << "idle flood: " << kIdle << " idle connections; /healthz median " << median_before
            << " ms before, " << median_during << " ms during (max " << max_before << " / "
            << max_during << " ms); a new connection's first answer " << fresh_ms << " ms\n";
  EXPECT_LE(median_during, 3 * median_before + 10) << "others are slowed down";
  EXPECT_LE(fresh_ms, 1000) << "new connections wait behind the idle ones";
  EXPECT_EQ(server().stop(), 0) << "shutdown with 2,000 idle connections open";
}

}  // namespace
}  // namespace twostep::testing
