// The phone provider and settings of the App.
#include "server/phone_wiring.hpp"

#include <fstream>
#include <iterator>

#include <openssl/crypto.h>

#include "core/crypto.hpp"
#include "core/encoding.hpp"
#include "phone/outbox_provider.hpp"
#include "phone/webhook_provider.hpp"
#include "server/app.hpp"

namespace twostep::server {
namespace {

constexpr std::string_view kCodeKeyLabel = "twostep-phone-codes";

// The webhook's shared secret: the file's bytes without trailing line breaks (editors add
// one). Refused when the file is readable by others, like the master key.
core::SecretBytes read_webhook_secret(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto perms = fs::status(path, ec).permissions();
  if (ec)
    throw core::ConfigError("phone_webhook_secret_file " + path.string() + ": " + ec.message());
  if ((perms & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none) {
    throw core::ConfigError("phone_webhook_secret_file " + path.string() +
                            " must not be readable by group or others (chmod 600)");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  core::SecretBytes secret = core::SecretBytes::from_string(text);
  std::fill(text.begin(), text.end(), '\0');
  return secret;
}

std::unique_ptr<phone::Provider> make_webhook(const core::Config& config,
                                              const core::Clock& clock) {
  if (config.phone_webhook_url.empty() || config.phone_webhook_secret_file.empty()) {
    throw core::ConfigError(
        "phone_provider = \"webhook\" needs phone_webhook_url and phone_webhook_secret_file");
  }
  phone::WebhookConfig webhook;
  webhook.url = config.phone_webhook_url;
  webhook.secret = read_webhook_secret(config.phone_webhook_secret_file);
  webhook.ca_file = config.phone_webhook_ca_file;
  webhook.timeout = std::chrono::milliseconds(config.phone_webhook_timeout_ms);
  webhook.attempts = static_cast<int>(config.phone_webhook_attempts);
  webhook.backoff = std::chrono::milliseconds(config.phone_webhook_backoff_ms);
  try {
    return std::make_unique<phone::WebhookProvider>(std::move(webhook), clock);
  } catch (const std::exception& e) {
    throw core::ConfigError(std::string("phone webhook: ") + e.what());
  }
}

}  // namespace

std::unique_ptr<phone::Provider> make_phone_provider(const core::Config& config,
                                                     const core::Clock& clock) {
  if (config.phone_provider == "webhook") return make_webhook(config, clock);
  return std::make_unique<phone::OutboxProvider>(config.outbox_path(), clock);
}

core::SecretBytes derive_phone_code_key(const core::SecretBytes& master_key) {
  auto digest = core::hmac_sha256(master_key.view(), core::as_bytes(kCodeKeyLabel));
  core::SecretBytes key{std::span<const std::uint8_t>(digest)};
  OPENSSL_cleanse(digest.data(), digest.size());
  return key;
}

phone::PhoneSettings phone_settings_of(const account::Settings& settings,
                                       const core::Config& config) {
  phone::PhoneSettings out;
  out.verify_all_changes = settings.verify_all_phone_changes;
  out.lockout = totp::LockoutPolicy{settings.lockout_threshold, settings.lockout_minutes};
  out.default_region = config.phone_default_region;
  return out;
}

phone::PhoneSettings load_phone_settings(App& app) {
  return app.store->read(
      [&app](store::Tx& tx) { return phone_settings_of(account::load_settings(tx), app.config); });
}

}  // namespace twostep::server
