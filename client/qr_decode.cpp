#include "client/qr_decode.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <vector>

extern char** environ;

namespace twostep::client {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;

core::Error qr_error(core::ErrorKind kind, std::string code, std::string message) {
  return core::Error{kind, std::move(code), std::move(message), "qr", {}};
}

// Owns the spawn attributes for the child: stdin from /dev/null, stdout into the pipe,
// stderr inherited so zbarimg's own complaints reach the person.
struct SpawnActions {
  posix_spawn_file_actions_t actions{};
  SpawnActions(int read_end, int write_end) {
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, write_end, STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, read_end);
    posix_spawn_file_actions_addclose(&actions, write_end);
  }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};

// Reads the child's whole output, keeping at most kMaxOutput bytes (the rest is drained so
// the child never blocks on a full pipe).
std::string read_all(int fd) {
  std::string out;
  std::array<char, 4096> chunk{};
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    const auto room = kMaxOutput - std::min(out.size(), kMaxOutput);
    out.append(chunk.data(), std::min(static_cast<std::size_t>(n), room));
  }
  return out;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

core::Result<std::string> decode_qr_image(const std::filesystem::path& image,
                                          const std::string& program) {
  // An absolute path can never be mistaken for an option, whatever the file is called.
  std::error_code fs_error;
  const std::string path = std::filesystem::absolute(image, fs_error).string();
  if (fs_error || !std::filesystem::is_regular_file(image, fs_error)) {
    return std::unexpected(qr_error(core::ErrorKind::kInvalidInput, "qr_not_found",
                                    "cannot read the image " + image.string()));
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return std::unexpected(
        qr_error(core::ErrorKind::kInternal, "qr_decoder_failed", "cannot create a pipe"));
  }
  std::vector<std::string> args{program, "--raw", "-q", path};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  int spawned = 0;
  {
    SpawnActions actions(fds[0], fds[1]);
    spawned =
        ::posix_spawnp(&pid, program.c_str(), &actions.actions, nullptr, argv.data(), environ);
  }
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    return std::unexpected(qr_error(core::ErrorKind::kUnavailable, "qr_decoder_missing",
                                    "cannot run " + program + " (install zbar-tools)"));
  }
  std::string output = read_all(fds[0]);
  ::close(fds[0]);
  const int exit_code = wait_for(pid);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (exit_code != 0 || output.empty()) {
    return std::unexpected(qr_error(core::ErrorKind::kInvalidInput, "qr_not_found",
                                    "no QR code could be read from " + image.string()));
  }
  if (output.find('\n') != std::string::npos) {
    return std::unexpected(qr_error(core::ErrorKind::kInvalidInput, "qr_ambiguous",
                                    "the image holds more than one code"));
  }
  return output;
}

}  // namespace twostep::client
