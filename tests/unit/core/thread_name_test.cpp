#include "core/thread_name.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace twostep::core {
namespace {

std::string own_thread_name() {
  std::ifstream comm("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

TEST(ThreadName, NamesTheCallingThreadOnly) {
  const std::string before = own_thread_name();
  std::string inside;
  std::thread([&] {
    name_this_thread("sqlite-writer");
    inside = own_thread_name();
  }).join();
  EXPECT_EQ(inside, "sqlite-writer");
  EXPECT_EQ(own_thread_name(), before);
}

TEST(ThreadName, ALongNameIsCutToWhatTheKernelKeeps) {
  std::string inside;
  std::thread([&] {
    name_this_thread("a-name-longer-than-fifteen-bytes");
    inside = own_thread_name();
  }).join();
  EXPECT_EQ(inside, "a-name-longer-t");
}

}  // namespace
}  // namespace twostep::core
