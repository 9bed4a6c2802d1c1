// The companion app's state file: everything a phone keeps after activation (its device id,
// private key, TOTP secret, and how to reach and trust the server). JSON, mode 0600, replaced
// atomically so a crash never leaves half a file.
#pragma once

#include <filesystem>
#include <string>

#include "client/tls_options.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "totp/otp.hpp"

namespace twostep::client {

/// The account the device was activated for, as the server reported it.
struct UserInfo {
  std::string id;
  std::string username;
  std::string display_name;

  friend bool operator==(const UserInfo&, const UserInfo&) = default;
};

/// One activated device.
struct DeviceState {
  std::string server_url;  // origin of the server, e.g. "https://localhost:8443"
  std::string ws_url;      // the device WebSocket, from the activation response
  std::string device_id;
  UserInfo user;
  std::string device_name;
  std::string platform;
  std::string app_version;
  std::string activated_at;           // the server's server_time at activation (RFC 3339)
  core::SecretBytes private_key_pem;  // PKCS#8 PEM of the device key (DeviceKey::from_pem)
  core::SecretBytes totp_secret;      // raw bytes; base32 in the file
  totp::Params totp;
  TlsOptions tls;
};

/// The file format version written by save_state().
inline constexpr int kStateVersion = 1;

/// Reads a state file. Errors (kInvalidInput): "state_unreadable" when it cannot be opened,
/// "state_insecure" when group or others may read or write it (like ssh, a key file that
/// others can read is refused), "invalid_state" when it is not a well-formed version-1 state.
core::Result<DeviceState> load_state(const std::filesystem::path& path);

/// Writes `state` to `path` with mode 0600: a temporary file in the same directory is
/// written, flushed to disk and renamed over `path`. Error "state_write_failed" (kInternal).
core::Result<void> save_state(const std::filesystem::path& path, const DeviceState& state);

/// The JSON text of a state file (it holds the key and secret, hence SecretBytes) and its
/// parser, apart from the file handling.
core::SecretBytes serialize_state(const DeviceState& state);
core::Result<DeviceState> parse_state(std::string_view json);

}  // namespace twostep::client
