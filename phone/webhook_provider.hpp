// The provider for a real SMS/voice gateway: each message is POSTed as JSON to a configured
// HTTPS URL, signed with a shared secret, with a timeout and a few retries.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/secret.hpp"
#include "phone/https_client.hpp"
#include "phone/provider.hpp"

namespace twostep::phone {

/// The signature header's value for a request: "sha256=" + hex HMAC-SHA256(secret,
/// timestamp + "." + body). A receiver recomputes it over the raw body it got and the
/// X-Twostep-Timestamp header (Unix seconds), compares in constant time, and should refuse
/// timestamps far from its own clock, which stops replays of a captured request.
std::string webhook_signature(const core::SecretBytes& secret, std::string_view timestamp,
                              std::string_view body);

struct WebhookConfig {
  std::string url;                          // https://host[:port]/path
  core::SecretBytes secret;                 // shared with the gateway; at least 16 bytes
  std::filesystem::path ca_file;            // PEM trust anchors; empty = the system's store
  std::chrono::milliseconds timeout{5000};  // per attempt, connect to status line
  int attempts = 3;                         // tries in all, at least 1
  std::chrono::milliseconds backoff{500};   // pause before the 2nd try; doubles each time
  /// How to pause between tries; empty = std::this_thread::sleep_for. Tests record instead.
  std::function<void(std::chrono::milliseconds)> sleep;
};

/// POSTs message_json() with headers X-Twostep-Timestamp and X-Twostep-Signature (see
/// webhook_signature). A 2xx answer is delivery. A 5xx, 408, 429, a timeout or a transport
/// or TLS failure is retried after backoff, 2×backoff, …; any other 4xx is final (the gateway
/// refused this request, trying again cannot help). When no try succeeds send() returns 503
/// "delivery_failed" naming the last failure, and logs each failed try (host, status,
/// attempt; never the body, which holds the code). A call blocks for at most about
/// attempts × timeout + the pauses: run it on a worker thread.
class WebhookProvider final : public Provider {
 public:
  /// Throws std::invalid_argument for a URL that is not https, a secret shorter than 16
  /// bytes or attempts < 1, and std::runtime_error when ca_file cannot be loaded: all
  /// start-up errors.
  WebhookProvider(WebhookConfig config, const core::Clock& clock);
  core::Result<void> send(const Message& message) override;

 private:
  WebhookConfig config_;
  detail::HttpsTarget target_;
  detail::HttpsClient client_;
  const core::Clock& clock_;
};

}  // namespace twostep::phone
