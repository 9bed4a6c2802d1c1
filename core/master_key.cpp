// The master key file: 32 random bytes as base64url plus a newline, readable by its owner
// only. Creation uses O_EXCL so two processes starting together cannot both write a key.
#include "core/master_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/encoding.hpp"

namespace twostep::core {
namespace {

constexpr std::size_t kKeySize = 32;
// 43 base64url characters, a newline, and room to notice anything longer.
constexpr std::size_t kMaxFileSize = 128;

[[noreturn]] void fail_file(const std::filesystem::path& path, const std::string& what) {
  throw ConfigError("master key " + path.string() + ": " + what);
}

std::string errno_text() { return std::strerror(errno); }

// Closes a file descriptor when it goes out of scope.
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

// A std::string holding key text that is wiped when it goes away.
struct WipedString {
  std::string text;
  ~WipedString() { OPENSSL_cleanse(text.data(), text.size()); }
};

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail_file(path, "cannot write: " + errno_text());
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Makes the directory that will hold the key, private to the owner, if it is missing.
void ensure_parent(const std::filesystem::path& path) {
  const auto parent = path.parent_path();
  if (parent.empty() || std::filesystem::exists(parent)) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) fail_file(path, "cannot create directory " + parent.string() + ": " + ec.message());
  std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
}

// Makes a directory entry durable, so a crash cannot lose a key that has sealed secrets.
void sync_parent(const std::filesystem::path& path) {
  const auto parent = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  Fd dir(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
}

// Writes `key` to a new file at `path`; returns false when the file exists. The key is
// written to a private temporary file first and linked into place (link(2) fails when
// `path` exists), so nobody, not even after a crash, finds `path` holding half a key.
bool write_key_file(const std::filesystem::path& path, const SecretBytes& key) {
  // mkstemp's template: it replaces the trailing six characters with a unique suffix.
  std::string tmp = path.string() + "." + std::string(6, 'X');
  Fd fd(::mkstemp(tmp.data()));  // mode 0600
  if (fd.get() < 0) fail_file(path, "cannot create a temporary file: " + errno_text());
  struct RemoveTmp {
    const std::string& name;
    ~RemoveTmp() { ::unlink(name.c_str()); }
  } remove_tmp{tmp};
  WipedString text{base64url_encode(key.view()) + "\n"};
  write_all(fd.get(), text.text, path);
  if (::fsync(fd.get()) != 0) fail_file(path, "cannot fsync: " + errno_text());
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    if (errno == EEXIST) return false;
    fail_file(path, "cannot create: " + errno_text());
  }
  sync_parent(path);
  return true;
}

// Writes a fresh key; returns false when another process created the file first.
bool create_key(const std::filesystem::path& path, const SecretBytes& key) {
  ensure_parent(path);
  return write_key_file(path, key);
}

std::filesystem::path with_suffix(const std::filesystem::path& path, std::string_view suffix) {
  std::filesystem::path out = path;
  out += suffix;
  return out;
}

void rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  std::filesystem::rename(from, to, ec);
  if (ec) fail_file(to, "cannot rename " + from.string() + " to it: " + ec.message());
}

// The key at `path`, or nothing when there is no such file (e.g. a rotation renamed it away
// after the caller last looked).
std::optional<SecretBytes> read_key_unless_missing(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0 && errno == ENOENT) return std::nullopt;
  if (fd.get() < 0) fail_file(path, "cannot open: " + errno_text());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail_file(path, "cannot stat: " + errno_text());
  if (!S_ISREG(st.st_mode)) fail_file(path, "is not a regular file");
  if ((st.st_mode & 077) != 0) {
    fail_file(path, "is accessible by group or others; run chmod 600 on it");
  }
  WipedString text;
  text.text.resize(kMaxFileSize + 1);
  std::size_t used = 0;
  // Reads until end of file, or one byte past the limit to detect an oversized file.
  while (used < text.text.size()) {
    const ssize_t n = ::read(fd.get(), text.text.data() + used, text.text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_file(path, "cannot read: " + errno_text());
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > kMaxFileSize) fail_file(path, "is too large to be a key");
  std::string_view content(text.text.data(), used);
  if (content.ends_with('\n')) content.remove_suffix(1);
  auto decoded = base64url_decode(content);
  if (!decoded || decoded->size() != kKeySize) {
    if (decoded) OPENSSL_cleanse(decoded->data(), decoded->size());
    fail_file(path, "does not hold a base64url-encoded 32-byte key");
  }
  SecretBytes key(*decoded);
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return key;
}

SecretBytes read_key(const std::filesystem::path& path) {
  auto key = read_key_unless_missing(path);
  if (!key) fail_file(path, std::string("cannot open: ") + std::strerror(ENOENT));
  return std::move(*key);
}

}  // namespace

SecretBytes load_or_create_master_key(const std::filesystem::path& path, Random& random) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    SecretBytes key = random.bytes(kKeySize);
    if (create_key(path, key)) return key;
  }
  return read_key(path);
}

SecretBytes read_master_key(const std::filesystem::path& path) { return read_key(path); }

std::filesystem::path next_master_key_path(const std::filesystem::path& path) {
  return with_suffix(path, ".new");
}

std::filesystem::path previous_master_key_path(const std::filesystem::path& path) {
  return with_suffix(path, ".old");
}

// PATH.new is read first. A rotation installs it by renaming it onto PATH (after copying PATH
// to PATH.old), so a key missing from PATH.new when it is read is in PATH by the time PATH is
// read. Read the other way round, PATH could be read just before the rename and PATH.new
// looked for just after it: a ring without the key the secrets were just re-sealed under.
SealingKeys load_sealing_keys(const std::filesystem::path& path) {
  std::optional<SecretBytes> next = read_key_unless_missing(next_master_key_path(path));
  SealingKeys keys{read_key(path), {}};
  if (next) keys.previous.push_back(std::move(*next));
  if (auto old = read_key_unless_missing(previous_master_key_path(path))) {
    keys.previous.push_back(std::move(*old));
  }
  return keys;
}

void write_next_master_key(const std::filesystem::path& path, const SecretBytes& key) {
  const auto next = next_master_key_path(path);
  if (!write_key_file(next, key)) fail_file(next, "exists already");
}

void install_next_master_key(const std::filesystem::path& path) {
  const auto next = next_master_key_path(path);
  read_key(next);  // refuses a damaged key file before anything is renamed
  const auto old_tmp = with_suffix(previous_master_key_path(path), ".tmp");
  std::error_code ec;
  std::filesystem::remove(old_tmp, ec);
  write_key_file(old_tmp, read_key(path));
  rename_file(old_tmp, previous_master_key_path(path));
  rename_file(next, path);
  sync_parent(path);
}

}  // namespace twostep::core
