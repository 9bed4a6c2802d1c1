// Enumeration by timing: to an application (or whoever holds its key), a TOTP check for a
// user who does not exist must take as long as one for a user who does, with a wrong code
// or while locked out. Measured in the same run, interleaved, on one keep-alive connection;
// the figures are printed for docs/SECURITY.md.
#include <map>

#include "tests/integration/activation_fixture.hpp"
#include "tests/integration/timing_medians.hpp"

namespace twostep::testing {
namespace {

using Clock = std::chrono::steady_clock;
using AuthTiming = ActivationItest;

constexpr int kRounds = 60;

TEST_F(AuthTiming, UnknownWrongAndLockedCannotBeToldApartByTime) {
  ASSERT_EQ(patch("/v1/settings", {{"lockout_threshold", 5}, {"lockout_minutes", 60}}).status,
            200u);
  make_user("alice");
  enroll("alice");
  make_user("mallory");
  enroll("mallory");
  for (int i = 0; i < 5; ++i) auth_totp("mallory", "000000");  // now locked out
  const std::map<std::string, std::string> cases = {
      {"unknown user", "nobody"}, {"wrong code", "alice"}, {"locked out", "mallory"}};
  std::map<std::string, std::vector<double>> samples;
  for (int round = 0; round < kRounds; ++round) {
    for (const auto& [name, user] : cases) {
      const auto start = Clock::now();
      Response r = auth_totp(user, "000000");
      samples[name].push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - start).count());
      ASSERT_EQ(r.status, 200u) << r.body;
      EXPECT_EQ(str(r.json, "status"), "denied");
    }
  }
  // A commit (the failure counter, the audit row) is the one cost that could differ by case:
  // every case pays it, so the medians stay within noise of each other.
  expect_medians_close(samples, "POST /v1/auth/totp", 1.5, 1.0);
}

}  // namespace
}  // namespace twostep::testing
