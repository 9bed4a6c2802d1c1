// Enumeration by timing on the web sign-in (POST /v1/session): a password for a user who
// does not exist must take as long to refuse as a wrong password for one who does, or any
// password for one who is locked out (each verifies an Argon2id hash: the unknown user a
// dummy one). The sign-in allows 10 refused passwords per client address before 429, so the
// samples are spread over several source addresses in 127.0.0.0/8, a few requests each, on
// connections opened (TLS handshake done) before anything is timed. Figures are printed
// for docs/SECURITY.md.
#include <map>
#include <set>

#include "tests/integration/session_fixture.hpp"
#include "tests/integration/timing_medians.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using SignInTiming = SessionTest;

constexpr int kRounds = 30;
constexpr int kLockoutThreshold = 5;
// Each refused password costs 3 of an address's 30 tokens: 9 keeps one address below 429.
constexpr int kRequestsPerAddress = 9;

// The keys of the error object, and that it carries the response's correlation id.
std::set<std::string> error_shape(const testing::Response& r) {
  std::set<std::string> keys;
  if (!r.json.is_object() || !r.json.at("error").is_object()) return keys;
  for (const auto& [key, value] : r.json.at("error").get_object()) keys.emplace(key);
  EXPECT_EQ(r.error_correlation_id(), r.header("x-correlation-id"));
  EXPECT_EQ(r.json.get_object().size(), 1u) << r.body;  // {"error": {…}} and nothing else
  return keys;
}

// HTTPS clients, each from its own loopback address, handed out kRequestsPerAddress
// requests at a time.
class AddressPool {
 public:
  explicit AddressPool(const testing::ServerProcess& server) : server_(server) {}
  testing::HttpsClient& next() {
    if (used_ % kRequestsPerAddress == 0) {
      testing::ClientOptions options;
      options.source_address = "127.0.0." + std::to_string(2 + used_ / kRequestsPerAddress);
      client_.emplace(server_.client(options));
      EXPECT_EQ(client_->get("/healthz").status, 200u);  // connected before any timing
    }
    ++used_;
    return *client_;
  }

 private:
  const testing::ServerProcess& server_;
  std::optional<testing::HttpsClient> client_;
  int used_ = 0;
};

TEST_F(SignInTiming, UnknownWrongAndLockedCannotBeToldApartByTime) {
  ASSERT_EQ(
      http()
          .patch("/v1/settings",
                 json::object{{"lockout_threshold", kLockoutThreshold}, {"lockout_minutes", 60}},
                 admin())
          .status,
      200u);
  // Wrong passwords go round several users, so that none of them reaches the lockout.
  constexpr int kWrongUsers = (kRounds + kLockoutThreshold - 2) / (kLockoutThreshold - 1);
  for (int i = 0; i < kWrongUsers; ++i) create_user("alice" + std::to_string(i));
  create_user("mallory");
  AddressPool pool(server());
  for (int i = 0; i < kLockoutThreshold; ++i) {
    sign_in(pool.next(), "mallory", "wrong password " + std::to_string(i));
  }
  ASSERT_EQ(sign_in(pool.next(), "mallory", kPassword).response.status, 423u);

  const std::vector<std::string> cases = {"unknown user", "wrong password", "locked out"};
  std::map<std::string, std::vector<double>> samples;
  std::map<std::string, std::set<std::string>> shapes;
  for (int round = 0; round < kRounds; ++round) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const std::string& name = cases[(i + round) % cases.size()];  // no case always first
      const std::string user = name == "unknown user" ? "nobody" + std::to_string(round)
                               : name == "wrong password"
                                   ? "alice" + std::to_string(round % kWrongUsers)
                                   : "mallory";
      testing::HttpsClient& client = pool.next();
      const auto start = Clock::now();
      SignIn attempt = sign_in(client, user, "not the password " + std::to_string(round));
      samples[name].push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      const testing::Response& r = attempt.response;
      ASSERT_EQ(r.status, 401u) << name << ": " << r.body;
      EXPECT_EQ(r.error_code(), "invalid_credentials") << name;
      shapes[name].merge(error_shape(r));
    }
  }
  EXPECT_EQ(shapes["unknown user"], shapes["wrong password"]);
  EXPECT_EQ(shapes["locked out"], shapes["wrong password"]);

  // Every case verifies one Argon2id hash (tens of ms) and commits one write; leaving out
  // the hash for one case would put its median far below the others'.
  testing::expect_medians_close(samples, "POST /v1/session", 1.5, 5.0);
}

}  // namespace
}  // namespace twostep::itest
