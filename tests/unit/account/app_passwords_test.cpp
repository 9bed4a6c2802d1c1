#include "account/app_passwords.hpp"

#include <gtest/gtest.h>

#include <set>

#include <boost/json/object.hpp>

#include "account/app_password_limit.hpp"
#include "account/settings.hpp"
#include "account/users.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

using namespace std::chrono_literals;

// Cheap Argon2id parameters: the tests check behaviour, not cost.
constexpr Argon2Params kFast{64, 1, 1};

class AppPasswords : public testing::AccountTest {
 protected:
  core::Result<NewAppPassword> create(const std::string& user_id, const std::string& name) {
    PreparedAppPassword prepared = prepare_app_password(random_, kFast);
    return write([&](store::Tx& tx) {
      return create_app_password(tx, env_, who_, user_id, name, prepared);
    });
  }
  void set(const boost::json::object& patch) {
    ASSERT_TRUE(write([&](store::Tx& tx) { return update_settings(tx, clock_, who_, patch); }));
  }
  std::optional<std::string> match(const std::string& user_id, std::string_view presented) {
    auto candidates = read([&](store::Tx& tx) { return app_password_candidates(tx, user_id); });
    return match_app_password(candidates, presented);
  }
};

TEST(AppPasswordGeneration, SixteenLowercaseLettersFromTheRandomSource) {
  core::SeededRandom random(7);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string p = generate_app_password(random);
    ASSERT_EQ(p.size(), kAppPasswordLength);
    for (char c : p) ASSERT_TRUE(c >= 'a' && c <= 'z') << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 200u);
  core::SeededRandom a(9);
  core::SeededRandom b(9);
  EXPECT_EQ(generate_app_password(a), generate_app_password(b)) << "only the Random decides";
}

TEST_F(AppPasswords, CreatedPasswordIsShownOnceAndStoredOnlyAsArgon2id) {
  const std::string alice = make_user("alice");
  clock_.advance(5s);
  auto made = create(alice, "Thunderbird");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(made->record.id.starts_with("apw_"));
  EXPECT_EQ(made->record.name, "Thunderbird");
  EXPECT_EQ(made->record.created_at, clock_.now());
  EXPECT_FALSE(made->record.last_used_at);
  EXPECT_EQ(made->password.size(), 16u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM app_passwords WHERE password_hash LIKE '$argon2id$%'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM app_passwords WHERE password_hash LIKE '%" +
                  made->password + "%'"),
            0);
  EXPECT_EQ(audit_rows("app_password.created"), 1);
  auto listed = read([&](store::Tx& tx) { return list_app_passwords(tx, alice); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, made->record.id);
}

TEST_F(AppPasswords, NameMustBeOneToSixtyFourCharacters) {
  const std::string alice = make_user("alice");
  EXPECT_EQ(create(alice, "").error().code, "invalid_name");
  EXPECT_EQ(create(alice, std::string(65, 'x')).error().code, "invalid_name");
  EXPECT_EQ(create(alice, "bad\nname").error().code, "invalid_name");
  EXPECT_TRUE(create(alice, std::string(64, 'x')));
}

TEST_F(AppPasswords, MatchesOnlyTheRightPasswordOfTheRightUser) {
  const std::string alice = make_user("alice");
  const std::string bob = make_user("bob");
  auto mail = create(alice, "Mail");
  auto vpn = create(alice, "VPN");
  auto bobs = create(bob, "Mail");
  ASSERT_TRUE(mail && vpn && bobs);
  EXPECT_EQ(match(alice, mail->password), mail->record.id);
  EXPECT_EQ(match(alice, vpn->password), vpn->record.id);
  EXPECT_FALSE(match(alice, bobs->password));
  EXPECT_FALSE(match(alice, "aaaaaaaaaaaaaaaa"));
  EXPECT_FALSE(match(alice, mail->password.substr(0, 15)));
  EXPECT_FALSE(match(alice, mail->password + "a"));
  // Grouped with spaces or typed in capitals still matches.
  std::string grouped = mail->password.substr(0, 4) + " " + mail->password.substr(4, 4) + " " +
                        mail->password.substr(8, 4) + " " + mail->password.substr(12);
  EXPECT_EQ(match(alice, grouped), mail->record.id);
  std::string upper = vpn->password;
  for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
  EXPECT_EQ(match(alice, upper), vpn->record.id);
}

TEST_F(AppPasswords, RecentlyUsedIsTriedFirst) {
  const std::string alice = make_user("alice");
  auto old = create(alice, "Old");
  auto used = create(alice, "Used");
  ASSERT_TRUE(old && used);
  clock_.advance(1min);
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    record_app_password_use(tx, clock_, used->record.id);
    return true;
  });
  auto candidates = read([&](store::Tx& tx) { return app_password_candidates(tx, alice); });
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0].id, used->record.id);
  auto listed = read([&](store::Tx& tx) { return list_app_passwords(tx, alice); });
  EXPECT_EQ(listed[1].last_used_at, clock_.now());
}

TEST_F(AppPasswords, CapAndSwitchRefuseCreation) {
  const std::string alice = make_user("alice");
  set({{"max_app_passwords", 2}});
  ASSERT_TRUE(create(alice, "one"));
  ASSERT_TRUE(create(alice, "two"));
  auto third = create(alice, "three");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, "too_many_app_passwords");
  EXPECT_EQ(third.error().kind, core::ErrorKind::kConflict);
  set({{"max_app_passwords", 5}, {"app_passwords_enabled", false}});
  auto off = create(alice, "three");
  ASSERT_FALSE(off);
  EXPECT_EQ(off.error().code, "app_passwords_disabled");
  EXPECT_EQ(off.error().kind, core::ErrorKind::kForbidden);
  EXPECT_EQ(count("SELECT COUNT(*) FROM app_passwords"), 2);
}

TEST_F(AppPasswords, DeleteOnlyOwnAndAll) {
  const std::string alice = make_user("alice");
  const std::string bob = make_user("bob");
  auto mine = create(alice, "Mail");
  auto theirs = create(bob, "Mail");
  auto del = [&](const std::string& user, const std::string& id) {
    return write([&](store::Tx& tx) { return delete_app_password(tx, env_, who_, user, id); });
  };
  auto refused = del(alice, theirs->record.id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "app_password_not_found");
  EXPECT_TRUE(del(alice, mine->record.id));
  EXPECT_FALSE(del(alice, mine->record.id));
  EXPECT_FALSE(match(alice, mine->password));
  EXPECT_EQ(audit_rows("app_password.deleted"), 1);
  create(bob, "VPN");
  EXPECT_EQ(write([&](store::Tx& tx) -> core::Result<std::int64_t> {
              return delete_all_app_passwords(tx, env_, who_, bob);
            }).value(),
            2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM app_passwords"), 0);
}

class AppPasswordLimit : public AppPasswords {
 protected:
  std::variant<AppPasswordAttempt, AppPasswordLimited> begin(const std::string& user_id) {
    return write([&](store::Tx& tx)
                     -> core::Result<std::variant<AppPasswordAttempt, AppPasswordLimited>> {
             return begin_app_password_attempt(tx, clock_, user_id);
           })
        .value();
  }
  void end(const AppPasswordAttempt& attempt, bool success) {
    store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      end_app_password_attempt(tx, attempt, success);
      return true;
    });
  }
};

TEST_F(AppPasswordLimit, FailuresFillTheWindowSuccessesDoNot) {
  const std::string alice = make_user("alice");
  const std::string bob = make_user("bob");
  for (int i = 0; i < 10; ++i) {
    auto ok = begin(alice);
    ASSERT_TRUE(std::holds_alternative<AppPasswordAttempt>(ok)) << i;
    end(std::get<AppPasswordAttempt>(ok), true);
  }
  for (std::int64_t i = 0; i < kAppPasswordAttemptsPerWindow; ++i) {
    auto failed = begin(alice);
    ASSERT_TRUE(std::holds_alternative<AppPasswordAttempt>(failed)) << i;
    end(std::get<AppPasswordAttempt>(failed), false);
    clock_.advance(2s);
  }
  auto limited = begin(alice);
  ASSERT_TRUE(std::holds_alternative<AppPasswordLimited>(limited));
  // The first failure was 10 s ago: its slot frees 50 s from now.
  EXPECT_EQ(std::get<AppPasswordLimited>(limited).retry_after, 50s);
  EXPECT_TRUE(std::holds_alternative<AppPasswordAttempt>(begin(bob))) << "per user";
  clock_.advance(50s);
  EXPECT_TRUE(std::holds_alternative<AppPasswordAttempt>(begin(alice)));
}

TEST_F(AppPasswordLimit, AttemptsInFlightCount) {
  const std::string alice = make_user("alice");
  for (std::int64_t i = 0; i < kAppPasswordAttemptsPerWindow; ++i) {
    ASSERT_TRUE(std::holds_alternative<AppPasswordAttempt>(begin(alice)));
  }
  EXPECT_TRUE(std::holds_alternative<AppPasswordLimited>(begin(alice)));
}

}  // namespace
}  // namespace twostep::account
