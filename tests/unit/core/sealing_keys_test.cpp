// The Sealer's key ring and the master-key files of a rotation (PATH.new, PATH.old).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "core/config.hpp"
#include "core/crypto.hpp"
#include "core/master_key.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::core {
namespace {

Bytes bytes_of(const SecretBytes& s) { return Bytes(s.view().begin(), s.view().end()); }

std::string opened_text(const Result<SecretBytes>& r) {
  return r ? std::string(r->unsafe_string_view()) : "<" + r.error().code + ">";
}

TEST(SealerKeyRing, OpensWithAPreviousKeyAndSealsWithTheCurrentOne) {
  SystemRandom random;
  SecretBytes old_key = random.bytes(Sealer::kKeySize);
  const Sealer old_sealer(old_key, random);
  const Bytes old_blob = old_sealer.seal(as_bytes("secret"), "totp:1");

  SecretBytes new_key = random.bytes(Sealer::kKeySize);
  const Sealer ring(SealingKeys{new_key, {old_key}}, random);
  EXPECT_EQ(opened_text(ring.open(old_blob, "totp:1")), "secret");
  EXPECT_FALSE(ring.open_with_current(old_blob, "totp:1"));
  EXPECT_EQ(opened_text(ring.open(old_blob, "totp:2")), "<sealed_secret_invalid>");

  const Bytes new_blob = ring.seal(as_bytes("next"), "totp:1");
  EXPECT_EQ(opened_text(Sealer(new_key, random).open(new_blob, "totp:1")), "next");
  EXPECT_FALSE(old_sealer.open(new_blob, "totp:1")) << "sealed under the current key only";
}

TEST(SealerKeyRing, ReloadsFromItsKeySourceWhenNoKeyOpens) {
  SystemRandom random;
  SecretBytes first = random.bytes(Sealer::kKeySize);
  SecretBytes second = random.bytes(Sealer::kKeySize);
  int reloads = 0;
  Sealer sealer(first, random);
  sealer.set_key_source([&] {
    ++reloads;
    return SealingKeys{second, {first}};
  });
  const Bytes under_first = sealer.seal(as_bytes("a"), "x");
  EXPECT_EQ(opened_text(sealer.open(under_first, "x")), "a");
  EXPECT_EQ(reloads, 0) << "no reload while a held key opens";

  const Bytes under_second = Sealer(second, random).seal(as_bytes("b"), "x");
  EXPECT_EQ(opened_text(sealer.open(under_second, "x")), "b");
  EXPECT_EQ(reloads, 1);
  // The reload took: the second key now seals.
  EXPECT_EQ(opened_text(Sealer(second, random).open(sealer.seal(as_bytes("c"), "x"), "x")), "c");
}

TEST(SealerKeyRing, AFailingKeySourceLeavesTheKeysAsTheyWere) {
  SystemRandom random;
  SecretBytes key = random.bytes(Sealer::kKeySize);
  Sealer sealer(key, random);
  sealer.set_key_source([]() -> SealingKeys { throw ConfigError("gone"); });
  const Bytes foreign = Sealer(random.bytes(Sealer::kKeySize), random).seal(as_bytes("z"), "x");
  EXPECT_EQ(opened_text(sealer.open(foreign, "x")), "<sealed_secret_invalid>");
  EXPECT_EQ(opened_text(sealer.open(sealer.seal(as_bytes("y"), "x"), "x")), "y");
  EXPECT_THROW(sealer.set_keys(SealingKeys{random.bytes(16), {}}), std::invalid_argument);
}

TEST(SealerKeyRing, SwappingKeysWhileOtherThreadsOpenNeverFailsAnOpen) {
  SystemRandom random;
  SecretBytes a = random.bytes(Sealer::kKeySize);
  SecretBytes b = random.bytes(Sealer::kKeySize);
  const Sealer sealer(SealingKeys{a, {b}}, random);
  const Bytes blob = Sealer(a, random).seal(as_bytes("s"), "x");
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::jthread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        if (!sealer.open(blob, "x")) ++failures;
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    sealer.set_keys(i % 2 ? SealingKeys{a, {b}} : SealingKeys{b, {a}});
  }
  stop = true;
  readers.clear();
  EXPECT_EQ(failures, 0);
}

TEST(MasterKeyRotationFiles, NewThenInstalledKeepsTheOldKeyAside) {
  twostep::testing::TempDir dir;
  SystemRandom random;
  const auto path = dir / "master.key";
  const SecretBytes current = load_or_create_master_key(path, random);
  EXPECT_EQ(load_sealing_keys(path).previous.size(), 0u);

  const SecretBytes next = random.bytes(Sealer::kKeySize);
  write_next_master_key(path, next);
  EXPECT_THROW(write_next_master_key(path, next), ConfigError) << "one rotation at a time";
  SealingKeys during = load_sealing_keys(path);
  EXPECT_EQ(bytes_of(during.current), bytes_of(current));
  ASSERT_EQ(during.previous.size(), 1u);
  EXPECT_EQ(bytes_of(during.previous[0]), bytes_of(next));

  install_next_master_key(path);
  EXPECT_FALSE(std::filesystem::exists(next_master_key_path(path)));
  EXPECT_EQ(bytes_of(read_master_key(path)), bytes_of(next));
  EXPECT_EQ(bytes_of(read_master_key(previous_master_key_path(path))), bytes_of(current));
  SealingKeys after = load_sealing_keys(path);
  EXPECT_EQ(bytes_of(after.current), bytes_of(next));
  ASSERT_EQ(after.previous.size(), 1u);
  EXPECT_EQ(bytes_of(after.previous[0]), bytes_of(current));
  EXPECT_EQ(std::filesystem::status(previous_master_key_path(path)).permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// What a running server's sealer does when a secret does not open while `admin
// rotate-master-key` runs in another process: load the key files. Every load must hold the
// newest key written as PATH.new before it began, or one a later rotation wrote: the
// secrets may already be re-sealed under it.
TEST(MasterKeyRotationFiles, ALoadDuringRotationsNeverMissesTheNewestKey) {
  twostep::testing::TempDir dir;
  SystemRandom random;
  const auto path = dir / "master.key";
  std::vector<Bytes> keys{bytes_of(load_or_create_master_key(path, random))};
  constexpr int kRotations = 150;
  for (int i = 0; i < kRotations; ++i) keys.push_back(bytes_of(random.bytes(Sealer::kKeySize)));
  std::atomic<int> written{0};  // the newest key index written as PATH.new (or installed)
  std::atomic<bool> done{false};
  std::jthread rotations([&] {
    for (int i = 1; i <= kRotations; ++i) {
      write_next_master_key(path, SecretBytes(keys[i]));
      written = i;
      install_next_master_key(path);
    }
    done = true;
  });
  int loads = 0;
  while (!done) {
    const int before = written;
    SealingKeys ring;
    ASSERT_NO_THROW(ring = load_sealing_keys(path));
    std::vector<Bytes> held{bytes_of(ring.current)};
    for (const auto& key : ring.previous) held.push_back(bytes_of(key));
    bool newest_or_later = false;
    for (int i = before; i <= kRotations && !newest_or_later; ++i) {
      newest_or_later = std::find(held.begin(), held.end(), keys[i]) != held.end();
    }
    ASSERT_TRUE(newest_or_later) << "load " << loads << " missed key " << before;
    ++loads;
  }
  EXPECT_GT(loads, kRotations / 10);
}

TEST(MasterKeyRotationFiles, ReadingAMissingKeyIsAConfigError) {
  twostep::testing::TempDir dir;
  EXPECT_THROW(read_master_key(dir / "master.key"), ConfigError);
  EXPECT_THROW(load_sealing_keys(dir / "master.key"), ConfigError);
}

}  // namespace
}  // namespace twostep::core
