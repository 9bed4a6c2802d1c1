// The server's certificate files: the configured PEM pair, or an ECDSA P-256 self-signed
// certificate that twostep makes on first run (DATA_DIR/tls/cert.pem + key.pem) so that a
// fresh install serves HTTPS without any set-up. Plain OpenSSL, no Asio.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/random.hpp"

namespace twostep::server {

struct TlsFiles {
  std::filesystem::path cert;  // PEM chain, leaf first
  std::filesystem::path key;   // PEM private key
};

/// The configured files when tls_cert/tls_key are set (both or neither: ConfigError
/// otherwise). Else DATA_DIR/tls/{cert,key}.pem, created when missing and re-created when
/// expired or when it does not name the public URL's host. Throws ConfigError when a file
/// cannot be written.
TlsFiles ensure_tls_files(const core::Config& config, core::Random& random,
                          const core::Clock& clock);

/// Writes a new self-signed ECDSA P-256 certificate valid from `now` for `validity`, whose
/// subjectAltName lists `hosts` (IP addresses become IP entries, the rest DNS entries). The
/// key file is created with mode 0600; both files are replaced atomically.
void write_self_signed_certificate(const TlsFiles& files, const std::vector<std::string>& hosts,
                                   core::TimePoint now, std::chrono::seconds validity,
                                   core::Random& random);

/// The host part of an https URL ("https://[::1]:8443/x" → "::1"); "" when there is none.
std::string url_host(const std::string& url);

}  // namespace twostep::server
