// flock(2) on DATA_DIR/server.lock.
#include "server/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/config.hpp"
#include "core/log.hpp"

namespace twostep::server {
namespace {

namespace fs = std::filesystem;

int open_lock_file(const fs::path& data_dir) {
  const fs::path path = data_dir / "server.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    throw core::ConfigError("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  return fd;
}

bool try_lock(int fd, int operation) {
  while (::flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

void write_pid(int fd) {
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    core::log(core::LogLevel::kWarn, "cannot record the pid in server.lock",
              {{"error", std::strerror(errno)}});
  }
}

}  // namespace

DataDirLock DataDirLock::for_server(const fs::path& data_dir) {
  std::error_code ec;
  if (fs::create_directories(data_dir, ec)) {
    fs::permissions(data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  DataDirLock lock(open_lock_file(data_dir));
  if (!try_lock(lock.fd_, LOCK_SH)) {
    core::log(core::LogLevel::kWarn, "waiting for a restore of the data dir to finish",
              {{"data_dir", data_dir.string()}});
    while (::flock(lock.fd_, LOCK_SH) != 0 && errno == EINTR) {
    }
  }
  write_pid(lock.fd_);
  return lock;
}

std::optional<DataDirLock> DataDirLock::try_exclusive(const fs::path& data_dir) {
  DataDirLock lock(open_lock_file(data_dir));
  if (!try_lock(lock.fd_, LOCK_EX)) return std::nullopt;
  return lock;
}

std::optional<pid_t> DataDirLock::running_server(const fs::path& data_dir) {
  const int fd = open_lock_file(data_dir);
  std::optional<pid_t> pid;
  if (!try_lock(fd, LOCK_EX)) {
    char text[32] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    pid = n > 0 ? static_cast<pid_t>(std::atol(text)) : 0;
  }
  ::close(fd);  // also releases a lock taken by the probe
  return pid;
}

DataDirLock::DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace twostep::server
