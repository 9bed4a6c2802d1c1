// The outbox file provider; see outbox_provider.hpp for the atomicity argument.
#include "phone/outbox_provider.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>

namespace twostep::phone {
namespace {

// Closes a descriptor on every path out of send().
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::unexpected<core::Error> failed(std::string_view what, int err) {
  return delivery_failed("outbox: " + std::string(what) + ": " + std::strerror(err));
}

}  // namespace

OutboxProvider::OutboxProvider(std::filesystem::path path, const core::Clock& clock)
    : path_(std::move(path)), clock_(clock) {}

core::Result<void> OutboxProvider::send(const Message& message) {
  // serialize() escapes control characters, so the line holds no newline but the last.
  std::string line = boost::json::serialize(message_json(message, clock_.now()));
  line.push_back('\n');
  const Fd fd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) return failed("open " + path_.string(), errno);
  ssize_t written = 0;
  do {
    written = ::write(fd.get(), line.data(), line.size());
  } while (written < 0 && errno == EINTR);
  if (written < 0) return failed("write", errno);
  if (static_cast<std::size_t>(written) != line.size()) {
    // Best effort: end the fragment so the next message starts a line of its own.
    [[maybe_unused]] const ssize_t ended = ::write(fd.get(), "\n", 1);
    return failed("short write", ENOSPC);
  }
  if (::fdatasync(fd.get()) != 0) return failed("fdatasync", errno);
  return {};
}

}  // namespace twostep::phone
