#include "core/log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/clock.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::core {
namespace {

// Sends stderr to a file for the lifetime of the object and returns what was written.
class CaptureStderr {
 public:
  explicit CaptureStderr(std::filesystem::path path) : path_(std::move(path)) {
    saved_ = ::dup(STDERR_FILENO);
    std::FILE* f = std::fopen(path_.c_str(), "w");
    ::dup2(::fileno(f), STDERR_FILENO);
    std::fclose(f);
  }
  CaptureStderr(const CaptureStderr&) = delete;
  CaptureStderr& operator=(const CaptureStderr&) = delete;
  ~CaptureStderr() { restore(); }
  std::vector<std::string> lines() {
    restore();
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  void restore() {
    if (saved_ >= 0) {
      ::dup2(saved_, STDERR_FILENO);
      ::close(saved_);
      saved_ = -1;
    }
  }
  std::filesystem::path path_;
  int saved_ = -1;
};

std::string field(const boost::json::object& obj, std::string_view key) {
  return std::string(obj.at(key).as_string());
}

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { set_log_level(LogLevel::kInfo); }
  twostep::testing::TempDir dir_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLineWithEscapedFields) {
  CaptureStderr capture(dir_ / "err.log");
  set_log_level(LogLevel::kDebug);
  log(LogLevel::kWarn, "push \"denied\"", {{"user", "al\nice"}, {"ip", "::1"}});
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto obj = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(field(obj, "level"), "warn");
  EXPECT_EQ(field(obj, "msg"), "push \"denied\"");
  EXPECT_EQ(field(obj, "user"), "al\nice");
  EXPECT_EQ(field(obj, "ip"), "::1");
  EXPECT_TRUE(parse_rfc3339(field(obj, "time")).has_value()) << field(obj, "time");
}

TEST_F(LogTest, FiltersBelowTheLevel) {
  CaptureStderr capture(dir_ / "err.log");
  set_log_level(LogLevel::kWarn);
  log(LogLevel::kDebug, "hidden");
  log(LogLevel::kInfo, "hidden");
  log(LogLevel::kError, "shown");
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"shown\""), std::string::npos);
}

TEST_F(LogTest, LinesFromThreadsDoNotInterleave) {
  CaptureStderr capture(dir_ / "err.log");
  std::vector<std::thread> threads;
  const std::string payload(2000, 'x');
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        log(LogLevel::kInfo, "line", {{"thread", std::to_string(t)}, {"payload", payload}});
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto lines = capture.lines();
  ASSERT_EQ(lines.size(), 200u);
  for (const auto& line : lines) {
    EXPECT_EQ(field(boost::json::parse(line).as_object(), "payload"), payload);
  }
}

TEST(LogLevelNames, ParseWithInfoAsFallback) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::kInfo);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("error"), LogLevel::kError);
  EXPECT_EQ(parse_log_level("verbose"), LogLevel::kInfo);
}

}  // namespace
}  // namespace twostep::core
