// `twostep admin backup` and `admin restore` over the real binary: a backup taken while
// clients activate phones, create users and have codes checked holds every change that was
// acknowledged before it began (and a consistent prefix of the rest); without its master key
// a backup reveals no secret and is not restored; a restore refuses to run under a server.
#include <atomic>
#include <csignal>
#include <mutex>

#include "core/random.hpp"
#include "tests/integration/operations_fixture.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kSqliteOnly =
    "backs up the SQLite file; PostgreSQL is backed up with pg_dump, which "
    "OnPostgresTheCommandsPointToPgDump checks the commands point to";

// One acknowledged change and when the acknowledgement came.
struct Acked {
  std::string username;
  std::string secret;  // the phone's TOTP secret, "" for a user without one
  Clock::time_point at;
};

struct Ledger {
  std::mutex mutex;
  std::vector<Acked> enrolled;  // users with an activated phone, in order
  std::vector<Acked> created;   // users without a phone, in order
  std::size_t count(std::vector<Acked> Ledger::*list) {
    std::lock_guard lock(mutex);
    return (this->*list).size();
  }
};

// A data dir holding only `key_file`'s key (the way an operator restores elsewhere).
fs::path data_dir_with_key(const TempDir& dir, const fs::path& key_file) {
  const fs::path data = dir / "data";
  fs::create_directories(data);
  fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
  if (!key_file.empty()) {
    fs::copy_file(key_file, data / "master.key");
    fs::permissions(data / "master.key", fs::perms::owner_read | fs::perms::owner_write,
                    fs::perm_options::replace);
  }
  return data;
}

// A valid master key file that is not the server's.
void write_other_key(const fs::path& path) {
  core::SystemRandom random;
  const core::SecretBytes key = random.bytes(32);
  std::ofstream(path) << core::base64url_encode(key.view()) << "\n";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
}

class OperationsBackup : public OperationsItest {
 protected:
  fs::path backup_file() const { return backup_dir_ / "twostep-backup.db"; }
  CommandResult backup() {
    return server().run_cli({"admin", "backup", "--to", backup_file().string()});
  }

  TempDir backup_dir_;
};

TEST_F(OperationsBackup, BackupUnderLoadRestoresEveryAcknowledgedChange) {
  if (postgres_backend()) GTEST_SKIP() << kSqliteOnly;
  raise_lockout_threshold();
  app_key();
  // Phones whose codes are checked again and again during the backup (replays: each check
  // opens the sealed secret and writes an audit row).
  std::vector<std::pair<std::string, Phone>> checked;
  for (int i = 0; i < 3; ++i) {
    const std::string name = "steady" + std::to_string(i);
    make_user(name);
    checked.emplace_back(name, enroll(name));
  }
  const auto t0 = unix_now();
  std::vector<std::string> first_codes;
  for (const auto& [name, phone] : checked) {
    first_codes.push_back(oathtool_code(phone.secret));
    ASSERT_EQ(verdict(name, first_codes.back()), "approved");
  }

  Ledger ledger;
  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::vector<std::jthread> clients;
  clients.emplace_back([&] {  // phones: six activations, within the per-address burst
    HttpsClient http = server().client();
    for (int i = 0; i < 6 && !stop; ++i) {
      const std::string name = "phone" + std::to_string(i);
      auto phone = enroll_on(http, name);
      if (!phone) break;
      std::lock_guard lock(ledger.mutex);
      ledger.enrolled.push_back({name, phone->secret, Clock::now()});
    }
  });
  clients.emplace_back([&] {  // users
    HttpsClient http = server().client();
    for (int i = 0; !stop; ++i) {
      const std::string name = "user" + std::to_string(i);
      if (http.post("/v1/users", {{"username", name}, {"display_name", name}}, auth()).status !=
          201) {
        break;
      }
      std::lock_guard lock(ledger.mutex);
      ledger.created.push_back({name, "", Clock::now()});
    }
  });
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&, t] {  // replayed codes: each must still be recognised
      HttpsClient http = server().client();
      for (int i = 0; !stop && i < 80; ++i) {
        const std::size_t k = static_cast<std::size_t>(i + t) % checked.size();
        if (verdict_on(http, checked[k].first, first_codes[k]) != "denied:replayed_code") {
          ++unexpected;
        }
      }
    });
  }
  const auto busy = Clock::now() + 20s;
  while ((ledger.count(&Ledger::enrolled) < 2 || ledger.count(&Ledger::created) < 5) &&
         Clock::now() < busy) {
    std::this_thread::sleep_for(10ms);
  }
  const auto backup_started = Clock::now();
  const CommandResult made = backup();
  const auto backup_done = Clock::now();
  ASSERT_EQ(made.status, 0) << made.err;
  EXPECT_NE(made.out.find("Backed up"), std::string::npos) << made.out;
  while (ledger.count(&Ledger::enrolled) < 6 && Clock::now() < busy) {
    std::this_thread::sleep_for(10ms);
  }
  stop = true;
  clients.clear();
  EXPECT_EQ(unexpected, 0) << "a code check failed while the backup ran";
  ASSERT_EQ(make_user("after-backup").empty(), false);

  // Restore into a fresh data dir that holds the server's master key, and serve it.
  TempDir restored_dir;
  const fs::path data = data_dir_with_key(restored_dir, server().data_dir() / "master.key");
  const CommandResult restored = run_twostep(
      {"admin", "restore", "--from", backup_file().string(), "--data-dir", data.string()});
  ASSERT_EQ(restored.status, 0) << restored.err;
  ServerProcessOptions options;
  options.data_dir = data;
  ServerProcess second(options);
  ASSERT_TRUE(second.running());
  HttpsClient http = second.client();
  const Headers admin = auth();  // the admin token is in the backup too
  auto present = [&](const std::string& name) {
    const unsigned status = http.get("/v1/users/" + name, admin).status;
    EXPECT_TRUE(status == 200 || status == 404) << status;
    return status == 200;
  };
  auto check_list = [&](const std::vector<Acked>& list) {
    bool gap = false;
    for (const Acked& change : list) {
      const bool there = present(change.username);
      if (change.at < backup_started) {
        EXPECT_TRUE(there) << change.username << " was acknowledged";
      }
      if (change.at > backup_done) {
        EXPECT_FALSE(there) << change.username << " came later";
      }
      // One client's changes are sequential: a snapshot holds a prefix of them.
      EXPECT_FALSE(there && gap) << change.username << " is there but an earlier one is not";
      gap = gap || !there;
    }
  };
  check_list(ledger.enrolled);
  check_list(ledger.created);
  EXPECT_FALSE(present("after-backup"));
  // The restored secrets open under the copied key: phones in the backup get codes approved,
  // and codes approved before the backup stay spent.
  Headers app = {{"authorization", "Bearer " + app_key()}};
  auto verdict_restored = [&](const std::string& name, const std::string& code) {
    Response r = http.post("/v1/auth/totp", {{"username", name}, {"code", code}}, app);
    return str(r.json, "status") + ":" + str(r.json, "reason");
  };
  for (std::size_t k = 0; k < checked.size(); ++k) {
    EXPECT_EQ(verdict_restored(checked[k].first, first_codes[k]), "denied:replayed_code");
    const int next_step = static_cast<int>(30 - (unix_now() - t0));
    EXPECT_EQ(
        verdict_restored(checked[k].first, oathtool_code(checked[k].second.secret, next_step)),
        "approved:");
  }
  for (const Acked& change : ledger.enrolled) {
    if (change.at < backup_started) {
      EXPECT_EQ(verdict_restored(change.username, oathtool_code(change.secret)), "approved:");
    }
  }
}

TEST_F(OperationsBackup, WithoutItsMasterKeyABackupRevealsNothingAndIsNotRestored) {
  if (postgres_backend()) GTEST_SKIP() << kSqliteOnly;
  make_user("alice");
  const Phone phone = enroll("alice");
  make_user("bob");
  const std::string pending_code = str(new_activation("bob"), "code");
  ASSERT_FALSE(pending_code.empty());
  const CommandResult made = backup();
  ASSERT_EQ(made.status, 0) << made.err;
  EXPECT_EQ(fs::status(backup_file()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  const std::string bytes = file_bytes(backup_file());
  ASSERT_GT(bytes.size(), 0u);
  EXPECT_NE(bytes.find("alice"), std::string::npos) << "the backup is the real database";
  const auto raw_secret = core::base32_decode(phone.secret);
  ASSERT_TRUE(raw_secret.has_value());
  EXPECT_EQ(bytes.find(phone.secret), std::string::npos) << "TOTP secret in base32";
  EXPECT_EQ(bytes.find(std::string(raw_secret->begin(), raw_secret->end())), std::string::npos)
      << "TOTP secret as bytes";
  EXPECT_EQ(bytes.find(pending_code), std::string::npos) << "pending activation code";

  TempDir elsewhere;
  const fs::path data = data_dir_with_key(elsewhere, {});
  const std::vector<std::string> restore = {
      "admin", "restore", "--from", backup_file().string(), "--data-dir", data.string()};
  CommandResult refused = run_twostep(restore);
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("no master key"), std::string::npos) << refused.err;
  write_other_key(data / "master.key");
  refused = run_twostep(restore);
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("is not the one this backup was made with"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(data / "twostep.db")) << "nothing was put in place";
  EXPECT_FALSE(fs::exists(data / "twostep.db.restoring"));

  // A damaged copy is refused before anything is replaced, even with the right key.
  fs::copy_file(server().data_dir() / "master.key", data / "master.key",
                fs::copy_options::overwrite_existing);
  std::string damaged = bytes;
  for (std::size_t i = 4096; i < damaged.size(); i += 512)
    damaged[i] = static_cast<char>(~damaged[i]);
  std::ofstream(backup_dir_ / "damaged.db", std::ios::binary) << damaged;
  refused = run_twostep({"admin", "restore", "--from", (backup_dir_ / "damaged.db").string(),
                         "--data-dir", data.string()});
  EXPECT_EQ(refused.status, 1) << refused.out;
  EXPECT_FALSE(fs::exists(data / "twostep.db"));

  // So is a backup from a newer release (a migration this binary does not know).
  const fs::path newer = backup_dir_ / "newer.db";
  fs::copy_file(backup_file(), newer);
  ::twostep::testing::db_exec(
      "sqlite:" + newer.string(),
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
  refused =
      run_twostep({"admin", "restore", "--from", newer.string(), "--data-dir", data.string()});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("schema version 9999"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(data / "twostep.db"));
}

TEST_F(OperationsBackup, RestoreRefusesWhileTheServerRunsButNotAfterItWasKilled) {
  if (postgres_backend()) GTEST_SKIP() << kSqliteOnly;
  make_user("alice");
  ASSERT_EQ(backup().status, 0);
  make_user("later");
  const CommandResult refused =
      server().run_cli({"admin", "restore", "--from", backup_file().string()});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("is running on"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(std::to_string(server().pid())), std::string::npos) << refused.err;
  EXPECT_EQ(get("/v1/users/later").status, 200u) << "the running server's data is untouched";

  // kill -9 leaves DATA_DIR/server.lock behind, but not its lock: restore goes ahead.
  EXPECT_EQ(server().stop(SIGKILL), 128 + SIGKILL);
  const CommandResult done =
      server().run_cli({"admin", "restore", "--from", backup_file().string()});
  ASSERT_EQ(done.status, 0) << done.err;
  EXPECT_NE(done.out.find("Kept the previous database as"), std::string::npos) << done.out;
  EXPECT_EQ(db_integer(server().db_url(), "SELECT COUNT(*) FROM users WHERE username = 'later'"),
            0);
  EXPECT_EQ(db_integer(server().db_url(), "SELECT COUNT(*) FROM users WHERE username = 'alice'"),
            1);
  bool kept = false;
  for (const auto& entry : fs::directory_iterator(server().data_dir())) {
    kept = kept || entry.path().filename().string().starts_with("twostep.db.before-restore-");
  }
  EXPECT_TRUE(kept);
}

TEST_F(OperationsBackup, OnPostgresTheCommandsPointToPgDump) {
  if (!postgres_backend()) GTEST_SKIP() << "the PostgreSQL message only";
  const CommandResult backed = backup();
  EXPECT_EQ(backed.status, 1);
  EXPECT_NE(backed.err.find("pg_dump"), std::string::npos) << backed.err;
  EXPECT_FALSE(fs::exists(backup_file()));
  const CommandResult restored =
      server().run_cli({"admin", "restore", "--from", backup_file().string()});
  EXPECT_EQ(restored.status, 1);
  EXPECT_NE(restored.err.find("pg_restore"), std::string::npos) << restored.err;
}

}  // namespace
}  // namespace twostep::testing
