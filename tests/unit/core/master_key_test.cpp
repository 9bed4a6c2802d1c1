#include "core/master_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/encoding.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::core {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& text, mode_t mode) {
  std::ofstream(p) << text;
  ASSERT_EQ(::chmod(p.c_str(), mode), 0);
}

TEST(MasterKey, IsCreatedPrivateAndReadBackIdentically) {
  twostep::testing::TempDir dir;
  SystemRandom random;
  const auto path = dir / "data/master.key";  // the parent does not exist yet
  const SecretBytes created = load_or_create_master_key(path, random);
  EXPECT_EQ(created.size(), 32u);

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = read_file(path);
  EXPECT_EQ(text.size(), 44u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(base64url_decode(text.substr(0, 43)),
            Bytes(created.view().begin(), created.view().end()));

  const SecretBytes reread = load_or_create_master_key(path, random);
  EXPECT_EQ(Bytes(reread.view().begin(), reread.view().end()),
            Bytes(created.view().begin(), created.view().end()));
}

TEST(MasterKey, RefusesAFileOthersCanRead) {
  twostep::testing::TempDir dir;
  SeededRandom random(3);
  const auto path = dir / "master.key";
  write_file(path, base64url_encode(random.bytes(32).view()) + "\n", 0644);
  EXPECT_THROW(load_or_create_master_key(path, random), ConfigError);
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  EXPECT_THROW(load_or_create_master_key(path, random), ConfigError);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_NO_THROW(load_or_create_master_key(path, random));
}

TEST(MasterKey, RefusesMalformedContent) {
  twostep::testing::TempDir dir;
  SeededRandom random(4);
  const auto path = dir / "master.key";
  for (const std::string& text :
       {std::string(""), std::string("not a key\n"), base64url_encode(random.bytes(16).view()),
        base64url_encode(random.bytes(32).view()) + "==\n", std::string(500, 'A')}) {
    write_file(path, text, 0600);
    EXPECT_THROW(load_or_create_master_key(path, random), ConfigError) << text;
  }
  // Without the trailing newline the key is still accepted.
  write_file(path, base64url_encode(random.bytes(32).view()), 0600);
  EXPECT_EQ(load_or_create_master_key(path, random).size(), 32u);
}

}  // namespace
}  // namespace twostep::core
