// `twostep admin token create` and `twostep admin user add` against a running server's
// data dir.
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {
namespace {

using AdminCli = AdminTest;

TEST_F(AdminCli, UserAddPrintsALinkToTheRunningServer) {
  CommandResult r = server().run_cli({"admin", "user", "add", "zoe", "--display-name", "Zoë Z"});
  ASSERT_EQ(r.status, 0) << r.err;
  // The CLI does not know the server's listen address, but finds its port in the data dir.
  std::string tail = ":" + std::to_string(server().port()) + "/register#token=";
  EXPECT_TRUE(r.out.starts_with("https://")) << r.out;
  EXPECT_NE(r.out.find(tail), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line only";
  Response user = get("/v1/users/zoe");
  ASSERT_EQ(user.status, 200u) << user.body;
  EXPECT_EQ(user.json.at("display_name"), "Zoë Z");
  EXPECT_EQ(user.json.at("role"), "user");
  EXPECT_EQ(user.json.at("registration").at("pending"), true);
  Response audit = get("/v1/audit?type=user.created");
  EXPECT_EQ(audit.json.at("items").at(0).at("actor"), "cli");
}

TEST_F(AdminCli, UserAddCanGrantTheAdminRole) {
  CommandResult r = server().run_cli({"admin", "user", "add", "helpdesk", "--role", "admin"});
  ASSERT_EQ(r.status, 0) << r.err;
  Response user = get("/v1/users/helpdesk");
  EXPECT_EQ(user.json.at("role"), "admin");
  EXPECT_EQ(user.json.at("display_name"), "helpdesk");
}

TEST_F(AdminCli, UserAddRefusalsAreClear) {
  ASSERT_EQ(server().run_cli({"admin", "user", "add", "amy"}).status, 0);
  CommandResult taken = server().run_cli({"admin", "user", "add", "AMY"});
  EXPECT_EQ(taken.status, 1);
  EXPECT_NE(taken.err.find("already exists"), std::string::npos) << taken.err;
  EXPECT_TRUE(taken.out.empty());
  CommandResult bad = server().run_cli({"admin", "user", "add", "no spaces"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("username"), std::string::npos) << bad.err;
  CommandResult role = server().run_cli({"admin", "user", "add", "x1", "--role", "root"});
  EXPECT_EQ(role.status, 2);
  CommandResult missing = server().run_cli({"admin", "user", "add"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(usernames(), std::vector<std::string>{"amy"});
}

TEST_F(AdminCli, TokenCreateNeedsAName) {
  CommandResult r = server().run_cli({"admin", "token", "create"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--name"), std::string::npos) << r.err;
  CommandResult empty = server().run_cli({"admin", "token", "create", "--name", ""});
  EXPECT_EQ(empty.status, 2);
  EXPECT_TRUE(empty.out.empty());
  CommandResult help = run_twostep({"admin", "token", "create", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("--name NAME"), std::string::npos);
  EXPECT_EQ(audit_types("&type=admin_token.created").size(), 1u);
}

}  // namespace
}  // namespace twostep::testing
