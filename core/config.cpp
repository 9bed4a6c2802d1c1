// Config defaults and derived values, and the TOML file reader.
#include "core/config.hpp"

#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <functional>
#include <limits>
#include <map>

namespace twostep::core {
namespace {

bool is_wildcard_host(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

// Reports a problem with one key of one file the way an operator wants to read it.
[[noreturn]] void key_error(const std::filesystem::path& file, std::string_view key,
                            std::string_view what) {
  throw ConfigError(file.string() + ": key '" + std::string(key) + "' " + std::string(what));
}

std::string as_string(const toml::node& node, const std::filesystem::path& file,
                      std::string_view key) {
  const auto* s = node.as_string();
  if (s == nullptr) key_error(file, key, "must be a string");
  return s->get();
}

template <class T>
T as_unsigned(const toml::node& node, const std::filesystem::path& file, std::string_view key,
              std::int64_t min) {
  const auto* i = node.as_integer();
  if (i == nullptr) key_error(file, key, "must be an integer");
  const std::int64_t v = i->get();
  const auto max =
      static_cast<std::int64_t>(std::min<std::uint64_t>(std::numeric_limits<T>::max(), INT64_MAX));
  if (v < min || v > max) {
    key_error(file, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return static_cast<T>(v);
}

std::vector<std::string> as_string_array(const toml::node& node, const std::filesystem::path& file,
                                         std::string_view key) {
  const auto* array = node.as_array();
  if (array == nullptr) key_error(file, key, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *array) {
    const auto* s = item.as_string();
    if (s == nullptr) key_error(file, key, "must be an array of strings");
    out.push_back(s->get());
  }
  return out;
}

using Setter =
    std::function<void(Config&, const toml::node&, const std::filesystem::path&, std::string_view)>;

// A setter for a string (or path) member.
template <class T>
Setter string_setter(T Config::*member) {
  return [member](Config& c, const toml::node& n, const std::filesystem::path& f,
                  std::string_view k) { c.*member = as_string(n, f, k); };
}

// A setter for an unsigned member with a lower bound.
template <class T>
Setter unsigned_setter(T Config::*member, std::int64_t min) {
  return [member, min](Config& c, const toml::node& n, const std::filesystem::path& f,
                       std::string_view k) { c.*member = as_unsigned<T>(n, f, k, min); };
}

// One entry per accepted key; anything else in the file is an error.
const std::map<std::string, Setter, std::less<>>& setters() {
  using P = const std::filesystem::path&;
  using N = const toml::node&;
  using K = std::string_view;
  static const std::map<std::string, Setter, std::less<>> table = {
      {"listen",
       [](Config& c, N n, P f, K k) {
         c.listen = as_string(n, f, k);
         try {
           split_host_port(c.listen);
         } catch (const ConfigError& e) {
           key_error(f, k, e.what());
         }
       }},
      {"data_dir", [](Config& c, N n, P f, K k) { c.data_dir = as_string(n, f, k); }},
      {"db", [](Config& c, N n, P f, K k) { c.db = as_string(n, f, k); }},
      {"public_url", [](Config& c, N n, P f, K k) { c.public_url = as_string(n, f, k); }},
      {"tls_cert", [](Config& c, N n, P f, K k) { c.tls_cert = as_string(n, f, k); }},
      {"tls_key", [](Config& c, N n, P f, K k) { c.tls_key = as_string(n, f, k); }},
      {"master_key", [](Config& c, N n, P f, K k) { c.master_key = as_string(n, f, k); }},
      {"allowed_origins",
       [](Config& c, N n, P f, K k) { c.allowed_origins = as_string_array(n, f, k); }},
      {"io_threads",
       [](Config& c, N n, P f, K k) { c.io_threads = as_unsigned<unsigned>(n, f, k, 1); }},
      {"worker_threads",
       [](Config& c, N n, P f, K k) { c.worker_threads = as_unsigned<unsigned>(n, f, k, 1); }},
      {"body_limit",
       [](Config& c, N n, P f, K k) { c.body_limit = as_unsigned<std::size_t>(n, f, k, 1); }},
      {"read_timeout_seconds",
       [](Config& c, N n, P f, K k) {
         c.read_timeout_seconds = as_unsigned<unsigned>(n, f, k, 1);
       }},
      {"idle_timeout_seconds",
       [](Config& c, N n, P f, K k) {
         c.idle_timeout_seconds = as_unsigned<unsigned>(n, f, k, 1);
       }},
      {"log_level",
       [](Config& c, N n, P f, K k) {
         c.log_level = as_string(n, f, k);
         if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" &&
             c.log_level != "error") {
           key_error(f, k, "must be one of debug, info, warn, error");
         }
       }},
      {"phone_provider",
       [](Config& c, N n, P f, K k) {
         c.phone_provider = as_string(n, f, k);
         if (c.phone_provider != "outbox" && c.phone_provider != "webhook") {
           key_error(f, k, "must be one of outbox, webhook");
         }
       }},
      {"phone_default_region",
       [](Config& c, N n, P f, K k) {
         c.phone_default_region = as_string(n, f, k);
         const auto& r = c.phone_default_region;
         if (r.size() != 2 || !std::isupper(static_cast<unsigned char>(r[0])) ||
             !std::isupper(static_cast<unsigned char>(r[1]))) {
           key_error(f, k, "must be a two-letter region code such as US or NL");
         }
       }},
      {"web_dir", string_setter(&Config::web_dir)},
      {"phone_webhook_url", string_setter(&Config::phone_webhook_url)},
      {"phone_webhook_secret_file", string_setter(&Config::phone_webhook_secret_file)},
      {"phone_webhook_ca_file", string_setter(&Config::phone_webhook_ca_file)},
      {"phone_webhook_timeout_ms", unsigned_setter(&Config::phone_webhook_timeout_ms, 100)},
      {"phone_webhook_attempts", unsigned_setter(&Config::phone_webhook_attempts, 1)},
      {"phone_webhook_backoff_ms", unsigned_setter(&Config::phone_webhook_backoff_ms, 0)},
  };
  return table;
}

}  // namespace

std::string Config::database_url() const {
  if (!db.empty()) return db;
  return "sqlite:" + (data_dir / "twostep.db").string();
}

std::filesystem::path Config::outbox_path() const { return data_dir / "outbox.jsonl"; }

std::filesystem::path Config::master_key_path() const {
  return master_key.empty() ? data_dir / "master.key" : master_key;
}

std::filesystem::path Config::web_root() const {
  return web_dir.empty() ? std::filesystem::path(TWOSTEP_DEFAULT_WEB_DIR) : web_dir;
}

std::string Config::base_url() const {
  if (!public_url.empty()) {
    std::string url = public_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  const auto [host, port] = split_host_port(listen);
  std::string shown = is_wildcard_host(host) ? "localhost" : host;
  if (shown.find(':') != std::string::npos) shown = "[" + shown + "]";
  return "https://" + shown + ":" + std::to_string(port);
}

Config load_config_file(const std::filesystem::path& file, Config base) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(file.string() + ":" + std::to_string(where.line) + ":" +
                      std::to_string(where.column) + ": " + std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    const auto it = setters().find(key.str());
    if (it == setters().end()) key_error(file, key.str(), "is not a known setting");
    it->second(base, node, file, key.str());
  }
  return base;
}

std::pair<std::string, std::uint16_t> split_host_port(const std::string& listen) {
  const auto bad = [&](std::string_view why) -> ConfigError {
    return ConfigError("listen address '" + listen + "' " + std::string(why) +
                       " (expected ADDR:PORT or [IPV6]:PORT)");
  };
  std::string host;
  std::size_t colon = 0;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      throw bad("is malformed");
    }
    host = listen.substr(1, close - 1);
    if (host.empty()) throw bad("has an empty IPv6 address");
    colon = close + 1;
  } else {
    colon = listen.rfind(':');
    if (colon == std::string::npos) throw bad("has no port");
    host = listen.substr(0, colon);
    if (host.find(':') != std::string::npos) throw bad("needs brackets around an IPv6 address");
  }
  const std::string_view port_text = std::string_view(listen).substr(colon + 1);
  unsigned long port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    throw bad("has an invalid port");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

}  // namespace twostep::core
