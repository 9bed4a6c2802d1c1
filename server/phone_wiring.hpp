// How the App builds phone methods from its configuration: the provider that carries
// messages (the outbox file by default, or the configured HTTPS webhook), the key that the
// code hashes are made with, and the organisation's phone settings for each request.
#pragma once

#include <memory>

#include "account/settings.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/secret.hpp"
#include "phone/provider.hpp"
#include "phone/types.hpp"

namespace twostep::server {

struct App;

/// The provider named by `config.phone_provider`: an OutboxProvider on
/// config.outbox_path(), or a WebhookProvider from the phone_webhook_* keys. Throws
/// core::ConfigError when the webhook is chosen but its URL or secret file is missing or
/// unusable.
std::unique_ptr<phone::Provider> make_phone_provider(const core::Config& config,
                                                     const core::Clock& clock);

/// HMAC-SHA256(master key, "twostep-phone-codes"): the CodeHasher key. Derived rather than
/// stored, so it never enters the database and changes with the master key.
core::SecretBytes derive_phone_code_key(const core::SecretBytes& master_key);

/// The phone rules' settings from the organisation's settings and the process config.
phone::PhoneSettings phone_settings_of(const account::Settings& settings,
                                       const core::Config& config);
/// phone_settings_of(load_settings()) in a read transaction.
phone::PhoneSettings load_phone_settings(App& app);

}  // namespace twostep::server
