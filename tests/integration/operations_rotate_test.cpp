// `twostep admin rotate-master-key` over the real binary, on SQLite and PostgreSQL: while
// clients have codes checked, every secret is re-sealed under a new key and not one check
// fails; the server (sent SIGHUP by the command) seals new secrets under the new key, and
// after a restart without the old key file every secret still opens.
#include <atomic>
#include <csignal>

#include "tests/integration/operations_fixture.hpp"

namespace twostep::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using OperationsRotate = OperationsItest;

TEST_F(OperationsRotate, UnderLoadNoVerificationFailsAndTheNewKeyServesAfterARestart) {
  raise_lockout_threshold();
  app_key();
  constexpr int kUsers = 8;
  std::vector<std::string> names;
  std::vector<Phone> phones;
  std::vector<std::string> first_codes;
  for (int i = 0; i < kUsers; ++i) {
    names.push_back("user" + std::to_string(i));
    make_user(names.back());
    phones.push_back(enroll(names.back()));
  }
  const auto t0 = unix_now();
  for (int i = 0; i < kUsers; ++i) {
    first_codes.push_back(oathtool_code(phones[i].secret));
    ASSERT_EQ(verdict(names[i], first_codes.back()), "approved");
  }
  // A code of the next step for user i, still fresh (its last step is t0's).
  auto next_code = [&](int i) {
    return oathtool_code(phones[i].secret, static_cast<int>(30 - (unix_now() - t0)));
  };

  // Three clients check replayed codes of users 0..5 nonstop: each check opens the sealed
  // secret, so a secret that did not open would read "invalid_code" instead.
  std::atomic<bool> rotated{false};
  std::atomic<bool> stop{false};
  std::atomic<int> checks_after{0};
  std::atomic<int> failures{0};
  std::vector<std::string> failed;
  std::mutex failed_mutex;
  std::vector<std::jthread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      HttpsClient http = server().client();
      for (int i = 0; !stop && i < 90; ++i) {
        const int k = (i + 2 * t) % 6;
        const std::string got = verdict_on(http, names[k], first_codes[k]);
        if (got != "denied:replayed_code") {
          ++failures;
          std::lock_guard lock(failed_mutex);
          failed.push_back(names[k] + ": " + got);
        }
        if (rotated) ++checks_after;
      }
    });
  }
  const CommandResult rotation = server().run_cli({"admin", "rotate-master-key"});
  rotated = true;
  ASSERT_EQ(rotation.status, 0) << rotation.err;
  EXPECT_NE(rotation.out.find("Re-sealed " + std::to_string(kUsers) + " secrets"),
            std::string::npos)
      << rotation.out;
  EXPECT_NE(rotation.out.find("Sent SIGHUP to the server"), std::string::npos) << rotation.out;
  const auto busy = std::chrono::steady_clock::now() + 20s;
  while (checks_after < 30 && std::chrono::steady_clock::now() < busy) {
    std::this_thread::sleep_for(10ms);
  }
  stop = true;
  clients.clear();
  EXPECT_GE(checks_after, 30);
  EXPECT_EQ(failures, 0) << (failed.empty() ? "" : failed.front());
  ASSERT_TRUE(wait_for_log("\"reloaded\"")) << server().log();

  const fs::path key = server().data_dir() / "master.key";
  EXPECT_TRUE(fs::exists(fs::path(key.string() + ".old")));
  EXPECT_FALSE(fs::exists(fs::path(key.string() + ".new")));
  // Fresh codes of users 0..5 are approved after the rotation and the reload.
  for (int i = 0; i < 6; ++i) EXPECT_EQ(verdict(names[i], next_code(i)), "approved") << i;
  // A phone activated after the reload is sealed under the new key.
  make_user("late");
  const Phone late = enroll("late");

  // Restart without the old key: every secret opens under the new key alone.
  auto database = server().database();
  ASSERT_EQ(server().stop(), 0);
  fs::remove(fs::path(key.string() + ".old"));
  ServerProcessOptions options = server_options();
  options.data_dir = server().data_dir();
  options.database = database;
  ServerProcess restarted(options);
  ASSERT_TRUE(restarted.running());
  HttpsClient http = restarted.client();
  for (int i = 6; i < kUsers; ++i) EXPECT_EQ(verdict_on(http, names[i], next_code(i)), "approved");
  EXPECT_EQ(verdict_on(http, "late", oathtool_code(late.secret)), "approved");
}

TEST_F(OperationsRotate, ARotationInterruptedBeforeItsRenamesIsFinishedByTheNextRun) {
  app_key();
  make_user("alice");
  const Phone phone = enroll("alice");
  const fs::path key = server().data_dir() / "master.key";
  ASSERT_EQ(server().run_cli({"admin", "rotate-master-key"}).status, 0);
  // Play a rotation that committed and then died: the database is sealed under the key
  // that sits in master.key.new while master.key still holds the one before.
  const fs::path old_key = fs::path(key.string() + ".old");
  fs::rename(key, fs::path(key.string() + ".new"));
  fs::rename(old_key, key);
  // The running server still opens it: it holds that key since the first rotation's SIGHUP.
  EXPECT_EQ(verdict("alice", oathtool_code(phone.secret)), "approved");

  const CommandResult next = server().run_cli({"admin", "rotate-master-key"});
  ASSERT_EQ(next.status, 0) << next.err;
  EXPECT_NE(next.out.find("Finished an earlier rotation"), std::string::npos) << next.out;
  EXPECT_NE(next.out.find("Re-sealed 1 secrets"), std::string::npos) << next.out;
  EXPECT_FALSE(fs::exists(fs::path(key.string() + ".new")));
  EXPECT_EQ(verdict("alice", oathtool_code(phone.secret, 30)), "approved");
}

}  // namespace
}  // namespace twostep::testing
