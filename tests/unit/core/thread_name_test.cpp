#include "core/thread_name.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>
#include <thread>

namespace twostep::core {
namespace {

std::string own_thread_name() {
  std::ifstream comm("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

// The name a new thread reads back after naming itself `name`.
std::string name_read_back_by_a_thread_named(std::string_view name) {
  std::string inside;
  std::thread([&] {
    name_this_thread(name);
    inside = own_thread_name();
  }).join();
  return inside;
}

TEST(ThreadName, NamesTheCallingThreadOnly) {
  const std::string before = own_thread_name();
  EXPECT_EQ(name_read_back_by_a_thread_named("sqlite-writer"), "sqlite-writer");
  EXPECT_EQ(own_thread_name(), before);
}

TEST(ThreadName, ALongNameIsCutToWhatTheKernelKeeps) {
  EXPECT_EQ(name_read_back_by_a_thread_named("a-name-longer-than-fifteen-bytes"),
            "a-name-longer-t");
}

}  // namespace
}  // namespace twostep::core
