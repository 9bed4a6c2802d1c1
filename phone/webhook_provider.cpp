// The HTTPS webhook provider: signing, retries and backoff; see webhook_provider.hpp.
#include "phone/webhook_provider.hpp"

#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <thread>

#include "core/crypto.hpp"
#include "core/log.hpp"

namespace twostep::phone {
namespace {

detail::HttpsTarget checked_target(const WebhookConfig& config) {
  auto target = detail::parse_https_url(config.url);
  if (!target) throw std::invalid_argument("webhook URL: " + target.error());
  if (config.secret.size() < 16) {
    throw std::invalid_argument("webhook secret: at least 16 bytes are needed");
  }
  if (config.attempts < 1) throw std::invalid_argument("webhook attempts: at least 1");
  return *target;
}

// A status worth another try: the gateway is failing, overloaded or timed out.
bool retryable(int status) { return status >= 500 || status == 408 || status == 429; }

}  // namespace

std::string webhook_signature(const core::SecretBytes& secret, std::string_view timestamp,
                              std::string_view body) {
  std::string signed_text(timestamp);
  signed_text += '.';
  signed_text += body;
  return "sha256=" +
         core::hex_encode(core::hmac_sha256(secret.view(), core::as_bytes(signed_text)));
}

WebhookProvider::WebhookProvider(WebhookConfig config, const core::Clock& clock)
    : config_(std::move(config)),
      target_(checked_target(config_)),
      client_(config_.ca_file),
      clock_(clock) {
  if (!config_.sleep) {
    config_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  }
}

core::Result<void> WebhookProvider::send(const Message& message) {
  const std::string body = boost::json::serialize(message_json(message, clock_.now()));
  std::string last_failure;
  auto pause = config_.backoff;
  for (int attempt = 1; attempt <= config_.attempts; ++attempt) {
    if (attempt > 1) {
      config_.sleep(pause);
      pause *= 2;
    }
    // A fresh timestamp per try, so a receiver's freshness window accepts late retries.
    const std::string timestamp = std::to_string(core::unix_seconds(clock_.now()));
    const detail::Header headers[] = {
        {"X-Twostep-Timestamp", timestamp},
        {"X-Twostep-Signature", webhook_signature(config_.secret, timestamp, body)}};
    const auto status = client_.post(target_, headers, body, config_.timeout);
    if (status && *status >= 200 && *status < 300) return {};
    last_failure = status ? "HTTP " + std::to_string(*status) : status.error();
    core::log(core::LogLevel::kWarn, "webhook delivery failed",
              {{"host", target_.host},
               {"attempt", std::to_string(attempt)},
               {"failure", last_failure},
               {"channel", std::string(to_string(message.channel))}});
    if (status && !retryable(*status)) break;
  }
  return delivery_failed("the SMS/voice gateway did not take the message (" + last_failure + ")");
}

}  // namespace twostep::phone
