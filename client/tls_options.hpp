// How the companion app trusts the server's TLS certificate. Kept free of Asio so the state
// file can store it.
#pragma once

#include <string>

namespace twostep::client {

/// Trust settings for one server.
/// - default: the system CA store plus a host-name check;
/// - `ca_file`: that PEM bundle instead of the system store (plus the host-name check);
/// - `insecure`: no chain or host-name check (the development server's self-signed
///   certificate);
/// - `pin_sha256`: when set, the server's leaf certificate must carry exactly this public key
///   (lower-case hex SHA-256 of its DER SubjectPublicKeyInfo), whatever the other settings.
///   Activation with `insecure` records the key it saw here, so later connections trust that
///   one key only (trust on first use) instead of anything.
struct TlsOptions {
  bool insecure = false;
  std::string ca_file;
  std::string pin_sha256;

  friend bool operator==(const TlsOptions&, const TlsOptions&) = default;
};

}  // namespace twostep::client
