#include "server/data_dir_lock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/unit/core/temp_dir.hpp"

namespace twostep::server {
namespace {

TEST(DataDirLock, AServerHoldsItSharedAndARestoreCannotTakeIt) {
  twostep::testing::TempDir dir;
  const auto data_dir = dir / "data";  // made by the server's lock
  EXPECT_FALSE(DataDirLock::running_server(dir.path()).has_value());
  {
    const DataDirLock server = DataDirLock::for_server(data_dir);
    EXPECT_EQ(std::filesystem::status(data_dir).permissions(), std::filesystem::perms::owner_all);
    const DataDirLock second_server = DataDirLock::for_server(data_dir);
    EXPECT_FALSE(DataDirLock::try_exclusive(data_dir).has_value());
    EXPECT_EQ(DataDirLock::running_server(data_dir), ::getpid());
  }
  // The lock went with its holders; the file left behind does not block anything.
  EXPECT_TRUE(std::filesystem::exists(data_dir / "server.lock"));
  EXPECT_FALSE(DataDirLock::running_server(data_dir).has_value());
  auto restore = DataDirLock::try_exclusive(data_dir);
  ASSERT_TRUE(restore.has_value());
  EXPECT_FALSE(DataDirLock::try_exclusive(data_dir).has_value());
  EXPECT_TRUE(DataDirLock::running_server(data_dir).has_value())
      << "an exclusive holder also counts as busy";
}

}  // namespace
}  // namespace twostep::server
