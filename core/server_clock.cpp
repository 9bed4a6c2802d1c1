#include "core/server_clock.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

namespace twostep::core {

namespace {
#ifdef TWOSTEP_TESTING
constexpr bool kTestHooks = true;
#else
constexpr bool kTestHooks = false;
#endif
}  // namespace

ServerClock::ServerClock() {
  if (!kTestHooks) return;
  if (const char* file = std::getenv("TWOSTEP_TEST_CLOCK_FILE"); file != nullptr) file_ = file;
}

bool ServerClock::test_hooks_enabled() { return kTestHooks; }

TimePoint ServerClock::now() const {
  const TimePoint real = std::chrono::system_clock::now();
  if (!kTestHooks || file_.empty()) return real;
  return real + std::chrono::seconds(offset_seconds());
}

// A missing or malformed file counts as offset 0, so a test can start without one.
std::int64_t ServerClock::offset_seconds() const {
  struct stat info {};
  const bool exists = ::stat(file_.c_str(), &info) == 0;
  const std::int64_t mtime_ns =
      exists ? static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec
             : -1;
  const std::int64_t size = exists ? static_cast<std::int64_t>(info.st_size) : -1;
  std::lock_guard lock(mutex_);
  if (mtime_ns != seen_mtime_ns_ || size != seen_size_) {
    seen_mtime_ns_ = mtime_ns;
    seen_size_ = size;
    std::int64_t value = 0;
    if (exists) {
      std::ifstream in(file_);
      if (!(in >> value)) value = 0;
    }
    offset_ = value;
  }
  return offset_.load();
}

}  // namespace twostep::core
