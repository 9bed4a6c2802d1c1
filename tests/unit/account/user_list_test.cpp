#include "account/user_list.hpp"

#include <gtest/gtest.h>

#include "fixture.hpp"

namespace twostep::account {
namespace {

class UserList : public testing::AccountTest {
 protected:
  void SetUp() override {
    for (auto [name, display] : {std::pair{"carol", "Carol Danvers"},
                                 {"Alice", "Alice Liddell"},
                                 {"bob", "Robert Paulson"},
                                 {"dave_1", "Dave 100%"},
                                 {"daveX1", "Dave X"},
                                 {"erin", "Erin Brockovich"}}) {
      auto r = write([&](store::Tx& tx) {
        return create_user(tx, env_, who_, {name, display, std::nullopt, Role::kUser});
      });
      ASSERT_TRUE(r);
    }
  }
  core::Result<Page<User>> list(const UserQuery& q) {
    return read([&](store::Tx& tx) { return list_users(tx, q); });
  }
  std::vector<std::string> names(const UserQuery& q) {
    auto page = list(q);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> out;
    for (const auto& u : page->items) out.push_back(u.username);
    return out;
  }
};

TEST_F(UserList, OrdersByUsernameIgnoringCase) {
  EXPECT_EQ(names({}),
            (std::vector<std::string>{"Alice", "bob", "carol", "dave_1", "daveX1", "erin"}));
}

TEST_F(UserList, PagesWithCursorsUntilTheEnd) {
  auto p1 = list({"", 4, ""});
  ASSERT_TRUE(p1);
  ASSERT_EQ(p1->items.size(), 4u);
  ASSERT_TRUE(p1->next_cursor);
  auto p2 = list({"", 4, *p1->next_cursor});
  ASSERT_TRUE(p2);
  ASSERT_EQ(p2->items.size(), 2u);
  EXPECT_EQ(p2->items[0].username, "daveX1");
  EXPECT_FALSE(p2->next_cursor);
  // Exactly a full last page: no cursor to an empty page.
  auto exact = list({"", 6, ""});
  EXPECT_FALSE(exact->next_cursor);
}

TEST_F(UserList, SearchesUsernameAndDisplayNameIgnoringCase) {
  EXPECT_EQ(names({"ALI", 50, ""}), std::vector<std::string>{"Alice"});
  EXPECT_EQ(names({"paulson", 50, ""}), std::vector<std::string>{"bob"});
  EXPECT_EQ(names({"dave", 50, ""}), (std::vector<std::string>{"dave_1", "daveX1"}));
  EXPECT_TRUE(names({"zzz", 50, ""}).empty());
}

TEST_F(UserList, WildcardsInTheQueryMatchLiterally) {
  EXPECT_EQ(names({"_", 50, ""}), std::vector<std::string>{"dave_1"});
  EXPECT_EQ(names({"%", 50, ""}), std::vector<std::string>{"dave_1"});
  EXPECT_EQ(names({"e_1", 50, ""}), std::vector<std::string>{"dave_1"});
}

TEST_F(UserList, SearchAndPagingCombine) {
  auto p1 = list({"dave", 1, ""});
  ASSERT_TRUE(p1 && p1->next_cursor);
  auto p2 = list({"dave", 1, *p1->next_cursor});
  ASSERT_TRUE(p2);
  ASSERT_EQ(p2->items.size(), 1u);
  EXPECT_EQ(p2->items[0].username, "daveX1");
  EXPECT_FALSE(p2->next_cursor);
}

TEST_F(UserList, RefusesBadInput) {
  EXPECT_EQ(list({"", 0, ""}).error().code, "invalid_limit");
  EXPECT_EQ(list({"", 201, ""}).error().code, "invalid_limit");
  EXPECT_EQ(list({"", 10, "***"}).error().code, "invalid_cursor");
  EXPECT_EQ(list({std::string(129, 'q'), 10, ""}).error().code, "invalid_q");
  EXPECT_EQ(list({"\xff", 10, ""}).error().code, "invalid_q");
}

TEST(Paging, ParsesLimits) {
  EXPECT_EQ(parse_limit("", 50, 200).value(), 50);
  EXPECT_EQ(parse_limit("1", 50, 200).value(), 1);
  EXPECT_EQ(parse_limit("200", 50, 200).value(), 200);
  for (auto bad : {"0", "201", "-1", "1.5", "ten", "10 ", "99999999999999999999"}) {
    EXPECT_EQ(parse_limit(bad, 50, 200).error().code, "invalid_limit") << bad;
  }
  EXPECT_EQ(decode_cursor(encode_cursor("key:1")).value(), "key:1");
}

}  // namespace
}  // namespace twostep::account
