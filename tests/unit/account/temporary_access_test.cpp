#include "account/temporary_access.hpp"

#include <gtest/gtest.h>

#include "account/users.hpp"
#include "core/crypto.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

using namespace std::chrono_literals;

class TemporaryAccess : public testing::AccountTest {
 protected:
  void SetUp() override {
    auto created = write([&](store::Tx& tx) {
      return create_user(tx, env_, who_, {"bob", "Bob", std::nullopt, Role::kUser});
    });
    ASSERT_TRUE(created);
    user_id_ = created->user.id;
  }
  core::Result<IssuedTemporaryAccess> issue(int hours) {
    return write(
        [&](store::Tx& tx) { return issue_temporary_access(tx, env_, who_, "bob", hours); });
  }
  bool consume(const std::string& code, const std::string& user_id = {}) {
    bool used = false;
    store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      used = consume_temporary_access(tx, clock_, who_, user_id.empty() ? user_id_ : user_id, code);
      return true;
    });
    return used;
  }
  std::string user_id_;
};

TEST_F(TemporaryAccess, HoursMustBeOneToTwentyFour) {
  for (int hours : {0, -1, 25}) {
    auto refused = issue(hours);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "invalid_hours");
  }
  EXPECT_TRUE(issue(1));
  EXPECT_TRUE(issue(24));
}

TEST_F(TemporaryAccess, UnknownUserIsNotFound) {
  auto refused =
      write([&](store::Tx& tx) { return issue_temporary_access(tx, env_, who_, "nobody", 2); });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "user_not_found");
}

TEST_F(TemporaryAccess, CodeIsStoredHashedAndAudited) {
  auto issued = issue(4);
  ASSERT_TRUE(issued);
  EXPECT_EQ(issued->code.size(), 19u);  // 16 characters in groups of four
  EXPECT_EQ(issued->expires_at, clock_.now() + 4h);
  EXPECT_EQ(count("SELECT COUNT(*) FROM temporary_access_codes WHERE code_hash LIKE '%" +
                  issued->code.substr(0, 4) + "-%'"),
            0);
  EXPECT_EQ(audit_rows("temporary_access.issued"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%" + issued->code + "%'"), 0);
}

TEST_F(TemporaryAccess, WorksOnceIgnoringCaseAndDashes) {
  auto issued = issue(2);
  ASSERT_TRUE(issued);
  std::string typed;
  for (char c : issued->code) {
    if (c != '-') typed.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  EXPECT_TRUE(consume(typed));
  EXPECT_FALSE(consume(issued->code));
  EXPECT_EQ(audit_rows("temporary_access.used"), 1);
}

TEST_F(TemporaryAccess, ExpiresAfterItsHours) {
  auto issued = issue(1);
  ASSERT_TRUE(issued);
  clock_.advance(1h);
  EXPECT_FALSE(consume(issued->code));
}

TEST_F(TemporaryAccess, WrongCodeOrOtherUserChangesNothing) {
  auto issued = issue(3);
  ASSERT_TRUE(issued);
  EXPECT_FALSE(consume("aaaa-bbbb-cccc-dddd"));
  auto other = write([&](store::Tx& tx) {
    return create_user(tx, env_, who_, {"carol", "Carol", std::nullopt, Role::kUser});
  });
  ASSERT_TRUE(other);
  EXPECT_FALSE(consume(issued->code, other->user.id));
  EXPECT_TRUE(consume(issued->code));
}

TEST_F(TemporaryAccess, ReissuingEndsTheEarlierCode) {
  auto first = issue(3);
  auto second = issue(3);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(consume(first->code));
  EXPECT_TRUE(consume(second->code));
}

}  // namespace
}  // namespace twostep::account
