// DATA_DIR/server.lock: how commands tell whether a server runs on a data dir. `twostep
// serve` holds a shared flock on it for its whole life and writes its pid into it; `admin
// restore` needs the lock exclusively. The kernel drops a flock when its process ends, so a
// killed server never leaves a stale lock behind (unlike a pid file or listen.port).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>

namespace twostep::server {

class DataDirLock {
 public:
  /// For `serve`: creates the data dir (mode 0700) when missing, takes the shared lock
  /// (waiting while a restore holds it) and records this process's pid. Throws
  /// core::ConfigError when the lock file cannot be opened.
  static DataDirLock for_server(const std::filesystem::path& data_dir);
  /// The exclusive lock, or nullopt when a server holds the lock. Throws core::ConfigError
  /// when the lock file cannot be opened.
  static std::optional<DataDirLock> try_exclusive(const std::filesystem::path& data_dir);
  /// The pid a running server recorded; nullopt when no server holds the lock.
  static std::optional<pid_t> running_server(const std::filesystem::path& data_dir);

  DataDirLock(DataDirLock&& other) noexcept;
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace twostep::server
