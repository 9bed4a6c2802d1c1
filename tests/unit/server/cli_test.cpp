#include "server/cli.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace twostep::server {
namespace {

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

class CliTest : public ::testing::Test {
 protected:
  CliTest() {
    cli_.add(Command{{"admin", "user", "add"},
                     "Add a user",
                     "Adds a user and prints the registration link.",
                     {"USERNAME"},
                     {{"--display-name", "NAME", "Shown name"}, {"--admin", "", "Grant admin"}},
                     [this](const Args& args) {
                       last_ = args;
                       return 0;
                     }});
    cli_.add(Command{{"admin", "token", "create"},
                     "Create a token",
                     {},
                     {},
                     {{"--name", "NAME", "Token name"}},
                     [](const Args& args) {
                       if (args.get("--name").value_or("").empty()) {
                         throw UsageError("--name is required");
                       }
                       return 0;
                     }});
    cli_.add(Command{{"fail"}, "Always fails", {}, {}, {}, [](const Args&) -> int {
                       throw std::runtime_error("disk on fire");
                     }});
  }

  CliRun run(std::vector<const char*> words) {
    words.insert(words.begin(), "twostep");
    std::ostringstream out;
    std::ostringstream err;
    int status = cli_.run(static_cast<int>(words.size()), words.data(), out, err);
    return {status, out.str(), err.str()};
  }

  Cli cli_;
  Args last_;
};

TEST_F(CliTest, RunsCommandWithFlagsAndPositionals) {
  CliRun r = run({"admin", "user", "add", "alice", "--display-name", "Alice A", "--admin"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(last_.positional(), std::vector<std::string>{"alice"});
  EXPECT_EQ(last_.get("--display-name"), "Alice A");
  EXPECT_TRUE(last_.has("--admin"));
  EXPECT_EQ(run({"admin", "user", "add", "--display-name=Bob", "bob"}).status, 0);
  EXPECT_EQ(last_.get("--display-name"), "Bob");
  EXPECT_FALSE(last_.has("--admin"));
}

TEST_F(CliTest, DoubleDashEndsFlags) {
  EXPECT_EQ(run({"admin", "user", "add", "--", "--weird"}).status, 0);
  EXPECT_EQ(last_.positional(), std::vector<std::string>{"--weird"});
}

TEST_F(CliTest, UsageErrorsExitWith2AndExplain) {
  struct Case {
    std::vector<const char*> words;
    std::string message;
  };
  const Case cases[] = {
      {{"admin", "user", "add", "alice", "--bogus"}, "unknown flag --bogus"},
      {{"admin", "user", "add", "alice", "--display-name"}, "flag --display-name needs a value"},
      {{"admin", "user", "add"}, "missing USERNAME"},
      {{"admin", "user", "add", "a", "b"}, "unexpected argument 'b'"},
      {{"admin", "user", "add", "a", "--admin=yes"}, "flag --admin takes no value"},
      {{"admin", "user", "add", "a", "--admin", "--admin"}, "flag --admin given twice"},
      {{"admin", "token", "create"}, "--name is required"},
      {{"nope"}, "unknown command 'nope'"},
      {{"admin", "token", "delete"}, "unknown subcommand 'delete'"},
      {{"admin"}, "missing subcommand"},
      {{}, "Commands:"},
  };
  for (const auto& c : cases) {
    CliRun r = run(c.words);
    EXPECT_EQ(r.status, 2) << c.message;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST_F(CliTest, HelpOnEveryLevelExitsZero) {
  CliRun top = run({"--help"});
  EXPECT_EQ(top.status, 0);
  EXPECT_NE(top.out.find("admin user add"), std::string::npos);
  CliRun group = run({"admin", "--help"});
  EXPECT_EQ(group.status, 0);
  EXPECT_NE(group.out.find("admin token create"), std::string::npos);
  EXPECT_EQ(group.out.find("fail"), std::string::npos);
  CliRun command = run({"admin", "user", "add", "--help"});
  EXPECT_EQ(command.status, 0);
  EXPECT_NE(
      command.out.find("Usage: twostep admin user add [--display-name NAME] [--admin] USERNAME"),
      std::string::npos)
      << command.out;
  EXPECT_NE(command.out.find("Adds a user"), std::string::npos);
}

TEST_F(CliTest, OtherFailuresExitWith1) {
  CliRun r = run({"fail"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("disk on fire"), std::string::npos);
}

TEST_F(CliTest, RefusesDuplicateCommand) {
  EXPECT_THROW(cli_.add(Command{{"fail"}, "", {}, {}, {}, [](const Args&) { return 0; }}),
               std::logic_error);
}

class LoadConfigTest : public ::testing::Test {
 protected:
  // Parses `words` as the flags of a command that accepts the serve flags.
  std::optional<core::Config> load(std::vector<const char*> words, std::string* error = nullptr) {
    Cli cli;
    std::optional<core::Config> out;
    std::vector<FlagSpec> flags = data_dir_flags();
    flags.push_back({"--listen", "ADDR:PORT", ""});
    flags.push_back({"--public-url", "URL", ""});
    cli.add(Command{{"serve"}, "", {}, {}, flags, [&](const Args& args) {
                      out = load_config(args);
                      return 0;
                    }});
    words.insert(words.begin(), {"twostep", "serve"});
    std::ostringstream o;
    std::ostringstream e;
    int status = cli.run(static_cast<int>(words.size()), words.data(), o, e);
    if (error != nullptr) *error = e.str();
    if (status != 0) return std::nullopt;
    return out;
  }
};

TEST_F(LoadConfigTest, FlagsOverrideDefaults) {
  auto config = load({"--listen", "127.0.0.1:0", "--data-dir", "/tmp/x", "--db", "sqlite:/tmp/x.db",
                      "--public-url", "https://mfa.example.com"});
  ASSERT_TRUE(config);
  EXPECT_EQ(config->listen, "127.0.0.1:0");
  EXPECT_EQ(config->data_dir, "/tmp/x");
  EXPECT_EQ(config->db, "sqlite:/tmp/x.db");
  EXPECT_EQ(config->base_url(), "https://mfa.example.com");
}

TEST_F(LoadConfigTest, MalformedFlagValuesAreUsageErrors) {
  std::string error;
  for (std::vector<const char*> words : {std::vector<const char*>{"--listen", "nonsense"},
                                         {"--db", "mysql://x"},
                                         {"--public-url", "http://x"},
                                         {"--data-dir", ""}}) {
    EXPECT_FALSE(load(words, &error));
    EXPECT_NE(error.find("Run 'twostep serve --help'"), std::string::npos) << error;
  }
}

TEST_F(LoadConfigTest, MissingConfigFileIsAConfigurationError) {
  std::string error;
  EXPECT_FALSE(load({"--config", "/nonexistent/twostep.toml"}, &error));
  EXPECT_NE(error.find("configuration error"), std::string::npos) << error;
}

}  // namespace
}  // namespace twostep::server
