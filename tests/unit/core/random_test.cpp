#include "core/random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <set>
#include <thread>

#include "core/encoding.hpp"

namespace twostep::core {
namespace {

// Returns a scripted sequence of 32-bit words, to observe rejection sampling.
class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<std::uint32_t> words) : words_(std::move(words)) {}
  void fill(std::span<std::uint8_t> out) override {
    ASSERT_EQ(out.size(), 4u);
    ASSERT_LT(next_, words_.size());
    std::memcpy(out.data(), &words_[next_++], 4);
  }
  std::size_t used() const { return next_; }

 private:
  std::vector<std::uint32_t> words_;
  std::size_t next_ = 0;
};

TEST(RandomUniform, StaysInRangeAndHitsEveryValue) {
  SeededRandom random(7);
  std::array<int, 6> counts{};
  for (int i = 0; i < 6000; ++i) {
    const auto v = random.uniform(6);
    ASSERT_LT(v, 6u);
    ++counts[v];
  }
  for (int c : counts) {
    EXPECT_GT(c, 800);  // expected 1000 each
    EXPECT_LT(c, 1200);
  }
  EXPECT_EQ(random.uniform(1), 0u);
  EXPECT_THROW(random.uniform(0), std::invalid_argument);
}

TEST(RandomUniform, RejectsTheBiasedLowRange) {
  // For bound 3, 2^32 mod 3 == 1: the word 0 must be drawn again.
  ScriptedRandom random({0u, 5u});
  EXPECT_EQ(random.uniform(3), 2u);
  EXPECT_EQ(random.used(), 2u);
  // For bound 2^31 + 1 the threshold is 2^31 - 1.
  ScriptedRandom big({0x7ffffffeu, 0x7fffffffu});
  EXPECT_EQ(big.uniform(0x80000001u), 0x7fffffffu);
  EXPECT_EQ(big.used(), 2u);
}

TEST(RandomDigits, AreDecimalOfTheRequestedLength) {
  SystemRandom random;
  const std::string code = random.digits(8);
  ASSERT_EQ(code.size(), 8u);
  for (char c : code) EXPECT_TRUE(c >= '0' && c <= '9');
  EXPECT_EQ(random.digits(0), "");
}

TEST(RandomToken, IsUnpaddedBase64UrlOfNBytes) {
  SystemRandom random;
  const std::string token = random.token(16);
  EXPECT_EQ(token.size(), 22u);
  const auto decoded = base64url_decode(token);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->size(), 16u);
  EXPECT_NE(random.token(16), token);
}

TEST(SystemRandomTest, FillsLargeBuffersWithVariedBytes) {
  SystemRandom random;
  const SecretBytes a = random.bytes(4096);
  std::set<std::uint8_t> distinct(a.view().begin(), a.view().end());
  EXPECT_GT(distinct.size(), 200u);
}

TEST(SeededRandomTest, IsDeterministic) {
  SeededRandom a(99), b(99), c(100);
  const std::string ta = a.token(32);
  EXPECT_EQ(ta, b.token(32));
  EXPECT_NE(ta, c.token(32));
}

TEST(SeededRandomTest, IsSafeToShareBetweenThreads) {
  SeededRandom random(5);
  std::vector<std::thread> threads;
  std::array<std::set<std::string>, 4> seen;
  for (std::size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) seen[t].insert(random.token(8));
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& s : seen) all.insert(s.begin(), s.end());
  EXPECT_EQ(all.size(), 800u);  // no word was handed out twice
}

}  // namespace
}  // namespace twostep::core
