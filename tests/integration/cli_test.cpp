// The `twostep` command line as a user meets it: help, version, and usage errors.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/harness/server_process.hpp"

namespace twostep::testing {
namespace {

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(Cli, HelpListsCommandsAndExitsZero) {
  CommandResult r = run_twostep({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(contains(r.out, "serve"));
  EXPECT_TRUE(contains(r.out, "version"));
  CommandResult serve = run_twostep({"serve", "--help"});
  EXPECT_EQ(serve.status, 0);
  for (std::string_view flag :
       {"--config FILE", "--listen ADDR:PORT", "--data-dir DIR", "--db URL", "--public-url URL"}) {
    EXPECT_TRUE(contains(serve.out, flag)) << flag;
  }
}

TEST(Cli, VersionPrintsTheVersion) {
  CommandResult r = run_twostep({"version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.out.starts_with("twostep ")) << r.out;
}

TEST(Cli, BadInvocationsExitTwoWithAMessage) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"serve", "--bogus"}, "unknown flag --bogus"},
      {{"serve", "--listen"}, "flag --listen needs a value"},
      {{"serve", "--listen", "not-an-address"}, "--listen"},
      {{"serve", "--db", "mysql://x"}, "--db must be"},
      {{"serve", "extra"}, "unexpected argument 'extra'"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{}, "Usage: twostep"},
  };
  for (const auto& c : cases) {
    CommandResult r = run_twostep(c.args);
    EXPECT_EQ(r.status, 2) << c.message << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
  }
}

TEST(Cli, BadConfigFileIsAConfigurationError) {
  std::string path = ::testing::TempDir() + "/twostep-bad-" + std::to_string(::getpid()) + ".toml";
  std::ofstream(path) << "no_such_setting = 1\n";
  CommandResult r = run_twostep({"serve", "--config", path, "--listen", "127.0.0.1:0"});
  std::filesystem::remove(path);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(contains(r.err, "no_such_setting")) << r.err;
}

}  // namespace
}  // namespace twostep::testing
