// Server configuration: defaults, then a TOML file, then command-line flags. Errors here
// are start-up errors and are thrown as ConfigError with a message for the operator.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace twostep::core {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string listen = "0.0.0.0:8443";     // ADDR:PORT; port 0 picks a free one
  std::filesystem::path data_dir = "var";  // master key, certificate, SQLite, outbox
  std::string db;          // "sqlite:PATH" or "postgresql://…"; empty = sqlite in data_dir
  std::string public_url;  // e.g. https://mfa.example.com; empty = from listen
  std::filesystem::path tls_cert;            // PEM; empty = self-signed in data_dir
  std::filesystem::path tls_key;             // PEM
  std::filesystem::path master_key;          // empty = data_dir/master.key
  std::vector<std::string> allowed_origins;  // browser Origins allowed on the WebSocket
  unsigned io_threads = 1;                   // network threads
  unsigned worker_threads = 2;               // store and CPU-heavy work (Argon2)
  std::size_t body_limit = 64 * 1024;        // bytes
  unsigned read_timeout_seconds = 15;        // per request (headers + body)
  unsigned idle_timeout_seconds = 60;        // keep-alive between requests
  std::string log_level = "info";            // debug | info | warn | error
  std::filesystem::path web_dir;             // the web pages; empty = the source tree's web/

  // SMS and voice messages (phone/): where they go, and how numbers typed without a country
  // code are read. The webhook's shared secret lives in a file of its own (like the master
  // key), so the config file can be readable without revealing it.
  std::string phone_provider = "outbox";            // outbox | webhook
  std::string phone_default_region = "US";          // ISO 3166-1 alpha-2
  std::string phone_webhook_url;                    // https://…; required for "webhook"
  std::filesystem::path phone_webhook_secret_file;  // ≥ 16 bytes; required for "webhook"
  std::filesystem::path phone_webhook_ca_file;      // PEM; empty = the system's trust store
  unsigned phone_webhook_timeout_ms = 5000;         // per attempt
  unsigned phone_webhook_attempts = 3;              // tries in all
  unsigned phone_webhook_backoff_ms = 500;          // pause before the 2nd try; doubles

  /// DATA_DIR/outbox.jsonl: the default provider's file.
  std::filesystem::path outbox_path() const;

  /// "sqlite:…" path or PostgreSQL URL after defaults are applied.
  std::string database_url() const;
  std::filesystem::path master_key_path() const;
  /// web_dir, or the web/ folder of the source tree this binary was built from.
  std::filesystem::path web_root() const;
  /// The externally visible base URL, without a trailing slash.
  std::string base_url() const;
};

/// Reads a TOML file over the defaults. Unknown keys and wrong types are errors.
Config load_config_file(const std::filesystem::path& file, Config base = {});

/// Splits "ADDR:PORT" ("[::1]:8443" for IPv6); throws ConfigError when malformed.
std::pair<std::string, std::uint16_t> split_host_port(const std::string& listen);

}  // namespace twostep::core
