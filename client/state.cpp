#include "client/state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include "core/encoding.hpp"

namespace twostep::client {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxStateSize = 256 * 1024;

core::Error invalid_state(std::string message) {
  return core::Error{core::ErrorKind::kInvalidInput, "invalid_state", std::move(message), {}, {}};
}

core::Error write_failed(const std::filesystem::path& path, std::string what) {
  return core::Error{core::ErrorKind::kInternal,
                     "state_write_failed",
                     "cannot write " + path.string() + ": " + what,
                     {},
                     {}};
}

void wipe(std::string& text) { OPENSSL_cleanse(text.data(), text.size()); }

// The key and the TOTP secret are wiped from a JSON document before it is freed.
void wipe_secrets(json::value& document) {
  auto* root = document.if_object();
  if (root == nullptr) return;
  if (auto* key = root->if_contains("private_key_pem"); key && key->is_string()) {
    OPENSSL_cleanse(key->as_string().data(), key->as_string().size());
  }
  auto* totp = root->if_contains("totp");
  if (totp == nullptr || !totp->is_object()) return;
  if (auto* secret = totp->as_object().if_contains("secret"); secret && secret->is_string()) {
    OPENSSL_cleanse(secret->as_string().data(), secret->as_string().size());
  }
}

// Field readers: a missing or mistyped field is an invalid state.
struct Reader {
  const json::object& object;
  std::string missing;

  // A view into the document, so secrets are not copied into strings that are never wiped.
  std::string_view view(std::string_view key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || !value->is_string()) {
      if (missing.empty()) missing = std::string(key);
      return {};
    }
    return value->as_string();
  }
  std::string text(std::string_view key) { return std::string(view(key)); }
  std::string optional_text(std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
  }
  std::int64_t integer(std::string_view key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || !value->is_int64()) {
      if (missing.empty()) missing = std::string(key);
      return 0;
    }
    return value->as_int64();
  }
  const json::object& child(std::string_view key) {
    static const json::object kEmpty;
    const auto* value = object.if_contains(key);
    if (value == nullptr || !value->is_object()) {
      if (missing.empty()) missing = std::string(key);
      return kEmpty;
    }
    return value->as_object();
  }
};

json::object tls_json(const TlsOptions& tls) {
  return {{"insecure", tls.insecure}, {"ca_file", tls.ca_file}, {"pin_sha256", tls.pin_sha256}};
}

TlsOptions tls_from(const json::object& object) {
  TlsOptions tls;
  if (const auto* insecure = object.if_contains("insecure"); insecure && insecure->is_bool()) {
    tls.insecure = insecure->as_bool();
  }
  Reader reader{object, {}};
  tls.ca_file = reader.optional_text("ca_file");
  tls.pin_sha256 = reader.optional_text("pin_sha256");
  return tls;
}

core::Result<totp::Params> totp_params_from(Reader& reader) {
  totp::Params params;
  const auto algorithm = totp::parse_algorithm(reader.optional_text("algorithm"));
  if (!algorithm) return std::unexpected(invalid_state("unknown TOTP algorithm"));
  params.algorithm = *algorithm;
  params.digits = static_cast<int>(reader.integer("digits"));
  params.period = static_cast<int>(reader.integer("period"));
  if (auto valid = totp::validate_params(params); !valid) {
    return std::unexpected(invalid_state("bad TOTP parameters"));
  }
  return params;
}

core::Result<void> write_fully(int fd, std::span<const std::uint8_t> data) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::unexpected(core::Error{});
    written += static_cast<std::size_t>(n);
  }
  return {};
}

core::Result<core::SecretBytes> read_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::unexpected(core::Error{core::ErrorKind::kInvalidInput,
                                       "state_unreadable",
                                       "cannot open " + path.string(),
                                       {},
                                       {}});
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) ||
      static_cast<std::size_t>(info.st_size) > kMaxStateSize) {
    ::close(fd);
    return std::unexpected(invalid_state(path.string() + " is not a state file"));
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    return std::unexpected(core::Error{core::ErrorKind::kInvalidInput,
                                       "state_insecure",
                                       path.string() + " is accessible by others; chmod 600 it",
                                       {},
                                       {}});
  }
  core::SecretBytes content(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::read(fd, content.mutable_view().data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (done != content.size())
    return std::unexpected(invalid_state("short read of " + path.string()));
  return content;
}

}  // namespace

core::SecretBytes serialize_state(const DeviceState& state) {
  json::object totp{{"secret", core::base32_encode(state.totp_secret.view())},
                    {"algorithm", totp::algorithm_name(state.totp.algorithm)},
                    {"digits", state.totp.digits},
                    {"period", state.totp.period}};
  json::value root = json::object{
      {"version", kStateVersion},
      {"server_url", state.server_url},
      {"ws_url", state.ws_url},
      {"device_id", state.device_id},
      {"user",
       {{"id", state.user.id},
        {"username", state.user.username},
        {"display_name", state.user.display_name}}},
      {"device_name", state.device_name},
      {"platform", state.platform},
      {"app_version", state.app_version},
      {"activated_at", state.activated_at},
      {"private_key_pem", state.private_key_pem.unsafe_string_view()},
      {"totp", std::move(totp)},
      {"tls", tls_json(state.tls)},
  };
  std::string text = json::serialize(root);
  text += '\n';
  core::SecretBytes out = core::SecretBytes::from_string(text);
  wipe(text);
  wipe_secrets(root);
  return out;
}

core::Result<DeviceState> parse_state(std::string_view text) {
  boost::system::error_code ec;
  json::value document = json::parse(text, ec);
  if (ec || !document.is_object()) return std::unexpected(invalid_state("the state is not JSON"));
  Reader root{document.as_object(), {}};
  if (root.integer("version") != kStateVersion) {
    return std::unexpected(invalid_state("unsupported state version"));
  }
  DeviceState state;
  state.server_url = root.text("server_url");
  state.ws_url = root.text("ws_url");
  state.device_id = root.text("device_id");
  Reader user{root.child("user"), {}};
  state.user = {user.text("id"), user.text("username"), user.optional_text("display_name")};
  state.device_name = root.optional_text("device_name");
  state.platform = root.optional_text("platform");
  state.app_version = root.optional_text("app_version");
  state.activated_at = root.optional_text("activated_at");
  state.private_key_pem = core::SecretBytes::from_string(root.view("private_key_pem"));
  Reader totp{root.child("totp"), {}};
  auto secret = core::base32_decode(totp.view("secret"));
  auto params = totp_params_from(totp);
  state.tls = tls_from(root.child("tls"));
  // Every field was read before this check, so `missing` names the first one absent.
  const std::string missing = !root.missing.empty()   ? root.missing
                              : !user.missing.empty() ? "user." + user.missing
                                                      : totp.missing;
  wipe_secrets(document);
  if (!missing.empty()) return std::unexpected(invalid_state("the state has no valid " + missing));
  if (state.device_id.empty()) return std::unexpected(invalid_state("the state has no device id"));
  if (!secret || secret->empty()) return std::unexpected(invalid_state("bad TOTP secret"));
  if (!params) return std::unexpected(params.error());
  state.totp_secret = core::SecretBytes(*secret);
  std::fill(secret->begin(), secret->end(), std::uint8_t{0});
  state.totp = *params;
  return state;
}

core::Result<DeviceState> load_state(const std::filesystem::path& path) {
  auto content = read_file(path);
  if (!content) return std::unexpected(content.error());
  return parse_state(content->unsafe_string_view());
}

core::Result<void> save_state(const std::filesystem::path& path, const DeviceState& state) {
  const core::SecretBytes text = serialize_state(state);
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  // mkstemp creates the file with mode 0600 before any byte of the secret is written.
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return std::unexpected(write_failed(path, "cannot create a temporary file"));
  const bool written =
      write_fully(fd, text.view()).has_value() && ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!written || !closed || std::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return std::unexpected(write_failed(path, "write failed"));
  }
  // Make the rename itself durable.
  if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

}  // namespace twostep::client
