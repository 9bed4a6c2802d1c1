#include "account/users.hpp"

#include <gtest/gtest.h>

#include "account/passwords.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

class Users : public testing::AccountTest {
 protected:
  core::Result<CreatedUser> create(const std::string& username,
                                   const std::string& display_name = "Someone") {
    return write([&](store::Tx& tx) {
      return create_user(tx, env_, who_, {username, display_name, std::nullopt, Role::kUser});
    });
  }
  User make(const std::string& username) {
    auto created = create(username);
    EXPECT_TRUE(created) << created.error().message;
    return created->user;
  }
  core::Result<User> get(const std::string& ref) {
    return read([&](store::Tx& tx) { return get_user(tx, ref); });
  }
  core::Result<User> patch(const std::string& ref, const UserPatch& p) {
    return write([&](store::Tx& tx) { return update_user(tx, env_, who_, ref, p); });
  }
};

TEST_F(Users, CreateStoresUserWithPendingRegistration) {
  auto created = create("Alice", "Alice Liddell");
  ASSERT_TRUE(created) << created.error().message;
  const User& u = created->user;
  EXPECT_TRUE(u.id.starts_with("usr_"));
  EXPECT_EQ(u.username, "Alice");
  EXPECT_EQ(u.display_name, "Alice Liddell");
  EXPECT_EQ(u.status, UserStatus::kActive);
  EXPECT_EQ(u.role, Role::kUser);
  EXPECT_FALSE(u.has_password);
  EXPECT_EQ(u.created_at, clock_.now());
  ASSERT_TRUE(u.registration_pending());
  EXPECT_EQ(*u.registration_expires_at, clock_.now() + std::chrono::days(7));
  EXPECT_EQ(created->registration.expires_at, *u.registration_expires_at);
  EXPECT_EQ(audit_rows("user.created"), 1);
}

TEST_F(Users, UsernamesAreUniqueIgnoringCase) {
  make("alice");
  auto again = create("ALICE");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, core::ErrorKind::kConflict);
  EXPECT_EQ(again.error().code, "username_taken");
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 1);
  EXPECT_EQ(audit_rows("user.created"), 1);
}

TEST_F(Users, RefusesBadUsernames) {
  for (std::string bad : {std::string(""), std::string(65, 'a'), std::string("has space"),
                          std::string(".dot"), std::string("usr_abc"), std::string("USR_abc"),
                          std::string("naïve"), std::string("semi;colon")}) {
    auto r = create(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_username") << bad;
  }
  EXPECT_TRUE(create("first.last+tag@example.com"));
  EXPECT_TRUE(create(std::string(64, 'b')));
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 2);
}

TEST_F(Users, RefusesBadDisplayNames) {
  EXPECT_EQ(create("bob", "").error().code, "invalid_display_name");
  EXPECT_EQ(create("bob", std::string(129, 'x')).error().code, "invalid_display_name");
  EXPECT_EQ(create("bob", "two\nlines").error().code, "invalid_display_name");
  EXPECT_TRUE(create("bob", std::string(128, 'x')));
}

TEST_F(Users, StoresAGivenPasswordHash) {
  std::string hash = hash_password("a long enough password", random_, {1024, 1, 1});
  auto created = write([&](store::Tx& tx) {
    return create_user(tx, env_, who_, {"carol", "Carol", hash, Role::kAdmin});
  });
  ASSERT_TRUE(created);
  EXPECT_TRUE(created->user.has_password);
  EXPECT_EQ(created->user.role, Role::kAdmin);
  auto stored = read([&](store::Tx& tx) { return password_hash_of(tx, created->user.id); });
  ASSERT_TRUE(stored);
  EXPECT_TRUE(verify_password(*stored, "a long enough password"));
}

TEST_F(Users, GetsByIdOrUsernameInAnyCase) {
  User u = make("Dave");
  EXPECT_EQ(get(u.id)->username, "Dave");
  EXPECT_EQ(get("dave")->id, u.id);
  EXPECT_EQ(get("DAVE")->id, u.id);
  auto missing = get("nobody");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, core::ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().code, "user_not_found");
}

TEST_F(Users, PatchChangesFieldsAndAuditsOldAndNew) {
  User u = make("erin");
  clock_.advance(std::chrono::minutes(5));
  auto r = patch("erin", {std::string("Erin E."), UserStatus::kDisabled, Role::kAdmin});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->display_name, "Erin E.");
  EXPECT_EQ(r->status, UserStatus::kDisabled);
  EXPECT_EQ(r->role, Role::kAdmin);
  EXPECT_EQ(r->updated_at, clock_.now());
  auto detail = read([&](store::Tx& tx) {
    return tx
        .query_one(
            "SELECT detail, actor, ip, correlation_id, user_id FROM audit_log "
            "WHERE type = 'user.updated'")
        .value();
  });
  EXPECT_NE(detail.text(0).find(R"("status":{"old":"active","new":"disabled"})"), std::string::npos)
      << detail.text(0);
  EXPECT_EQ(detail.text(1), "admin:test");
  EXPECT_EQ(detail.text(2), "192.0.2.7");
  EXPECT_EQ(detail.text(3), "corr-1");
  EXPECT_EQ(detail.text(4), u.id);
}

TEST_F(Users, PatchRefusesBlockedStatusAndBadNamesWithoutChanging) {
  make("frank");
  auto r = patch("frank", {std::nullopt, UserStatus::kBlocked, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_status");
  r = patch("frank", {std::string("Frank"), UserStatus::kDisabled, std::nullopt});
  ASSERT_TRUE(r);
  r = patch("frank", {std::string(""), UserStatus::kActive, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_display_name");
  EXPECT_EQ(get("frank")->status, UserStatus::kDisabled);
  EXPECT_EQ(get("frank")->display_name, "Frank");
  EXPECT_EQ(audit_rows("user.updated"), 1);
}

TEST_F(Users, BlockedUserIsReactivatedOnlyByUnblock) {
  make("grace");
  auto blocked = write([&](store::Tx& tx) {
    return block_user(tx, env_, {"device:dev_1", "", "c"}, "grace", "fraud_reported");
  });
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->status, UserStatus::kBlocked);
  auto r = patch("grace", {std::nullopt, UserStatus::kActive, std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "user_blocked");
  EXPECT_EQ(r.error().kind, core::ErrorKind::kConflict);
  auto unblocked = write([&](store::Tx& tx) { return unblock_user(tx, env_, who_, "grace"); });
  ASSERT_TRUE(unblocked);
  EXPECT_EQ(unblocked->status, UserStatus::kActive);
  auto again = write([&](store::Tx& tx) { return unblock_user(tx, env_, who_, "grace"); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "user_not_blocked");
  EXPECT_EQ(audit_rows("user.blocked"), 1);
  EXPECT_EQ(audit_rows("user.unblocked"), 1);
}

TEST_F(Users, DeleteRemovesUserAndKeepsTheAuditTrail) {
  User u = make("heidi");
  auto r = write([&](store::Tx& tx) { return delete_user(tx, env_, who_, "HEIDI"); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(get(u.id));
  EXPECT_EQ(audit_rows("user.deleted"), 1);
  auto again = write([&](store::Tx& tx) { return delete_user(tx, env_, who_, u.id); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "user_not_found");
  // The name is free again.
  EXPECT_TRUE(create("heidi"));
}

TEST_F(Users, SetPasswordHashReplacesTheHash) {
  User u = make("ivan");
  std::string hash = hash_password("ivan's new password", random_, {1024, 1, 1});
  ASSERT_TRUE(write([&](store::Tx& tx) { return set_password_hash(tx, env_, who_, u.id, hash); }));
  EXPECT_TRUE(get(u.id)->has_password);
  EXPECT_EQ(audit_rows("user.password_changed"), 1);
  auto missing =
      write([&](store::Tx& tx) { return set_password_hash(tx, env_, who_, "usr_none", hash); });
  EXPECT_EQ(missing.error().code, "user_not_found");
}

TEST(UserEnums, RoundTripThroughText) {
  for (auto s : {UserStatus::kActive, UserStatus::kDisabled, UserStatus::kBlocked}) {
    EXPECT_EQ(parse_user_status(to_string(s)), s);
  }
  EXPECT_EQ(parse_role("admin"), Role::kAdmin);
  EXPECT_FALSE(parse_role("root"));
  EXPECT_FALSE(parse_user_status("Active"));
}

}  // namespace
}  // namespace twostep::account
