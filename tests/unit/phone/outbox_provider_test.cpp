// The outbox provider: API.md's line format, and whole lines under concurrent appends.
#include "phone/outbox_provider.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json/parse.hpp>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "tests/unit/core/temp_dir.hpp"

namespace twostep::phone {
namespace {

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(OutboxProvider, AppendsOneJsonObjectPerMessage) {
  twostep::testing::TempDir dir;
  const core::ManualClock clock(core::from_unix_seconds(1'800'000'000));
  OutboxProvider outbox(dir / "outbox.jsonl", clock);
  ASSERT_TRUE(
      outbox.send(Message{Channel::kSms, "+31612345678", "", "Your twostep sign-in code is 123456.",
                          "123456", Purpose::kSignIn}));
  ASSERT_TRUE(outbox.send(Message{Channel::kVoice, "+14255550100", "123",
                                  "Your twostep code is 6, 5, 4, 3, 2, 1.", "654321",
                                  Purpose::kVerification}));
  const auto lines = read_lines(outbox.path());
  ASSERT_EQ(lines.size(), 2u);
  const auto first = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(first.at("time"), "2027-01-15T08:00:00Z");
  EXPECT_EQ(first.at("channel"), "sms");
  EXPECT_EQ(first.at("to"), "+31612345678");
  EXPECT_EQ(first.at("text"), "Your twostep sign-in code is 123456.");
  EXPECT_EQ(first.at("code"), "123456");
  const auto second = boost::json::parse(lines[1]).as_object();
  EXPECT_EQ(second.at("channel"), "voice");
  EXPECT_EQ(second.at("extension"), "123");
  EXPECT_EQ(second.at("code"), "654321");
}

TEST(OutboxProvider, CreatesTheFileReadableByItsOwnerOnly) {
  twostep::testing::TempDir dir;
  const core::ManualClock clock(core::from_unix_seconds(0));
  OutboxProvider outbox(dir / "outbox.jsonl", clock);
  ASSERT_TRUE(outbox.send(Message{}));
  struct stat st {};
  ASSERT_EQ(::stat(outbox.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(OutboxProvider, KeepsNewlinesInTheTextInsideTheLine) {
  twostep::testing::TempDir dir;
  const core::ManualClock clock(core::from_unix_seconds(0));
  OutboxProvider outbox(dir / "outbox.jsonl", clock);
  ASSERT_TRUE(outbox.send(
      Message{Channel::kSms, "+31612345678", "", "two\nlines\r\n", "", Purpose::kNotice}));
  const auto lines = read_lines(outbox.path());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(boost::json::parse(lines[0]).as_object().at("text"), "two\nlines\r\n");
}

// Eight threads append 250 messages each, some many kilobytes long (far beyond a pipe's
// atomic size, so a torn write would show): every line must parse and every message appear
// exactly once.
TEST(OutboxProvider, ConcurrentAppendsNeverInterleave) {
  twostep::testing::TempDir dir;
  const core::ManualClock clock(core::from_unix_seconds(0));
  OutboxProvider outbox(dir / "outbox.jsonl", clock);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&outbox, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(t) + ":" + std::to_string(i);
        const std::string padding(static_cast<std::size_t>((i * 37) % 9000),
                                  static_cast<char>('a' + t));
        const auto sent = outbox.send(
            Message{Channel::kSms, "+31612345678", "", id + " " + padding, id, Purpose::kSignIn});
        ASSERT_TRUE(sent) << sent.error().message;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = read_lines(outbox.path());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::string> ids;
  for (const std::string& line : lines) {
    boost::system::error_code ec;
    const auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "a torn line: " << line.substr(0, 80);
    const auto& object = value.as_object();
    const std::string id(object.at("code").as_string());
    const std::string text(object.at("text").as_string());
    EXPECT_TRUE(text.starts_with(id + " "));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(OutboxProvider, ReportsAFileItCannotWrite) {
  twostep::testing::TempDir dir;
  const core::ManualClock clock(core::from_unix_seconds(0));
  OutboxProvider outbox(dir / "missing" / "outbox.jsonl", clock);
  const auto sent = outbox.send(Message{});
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "delivery_failed");
  EXPECT_EQ(sent.error().kind, core::ErrorKind::kUnavailable);
  EXPECT_NE(sent.error().message.find("outbox"), std::string::npos);
}

}  // namespace
}  // namespace twostep::phone
