// Activation sessions: a one-time code (128 bits from Random, base64url) that binds a new
// phone to a user, valid for at most ten minutes (NIST SP 800-63B-4 4.1.2.2). The code is
// stored as its SHA-256 for lookup; a sealed copy lets the owner fetch the QR code again
// while the session is pending. Creating a session never invalidates the user's others; an
// expired one is simply replaced by creating a new one.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::activation {

/// Lifetimes are clamped to [kMinActivationLifetime, kMaxActivationLifetime].
inline constexpr std::chrono::seconds kMaxActivationLifetime{600};
inline constexpr std::chrono::seconds kMinActivationLifetime{60};

struct ActivationRequest {
  std::string user;                              // id or username
  std::optional<std::string> replace_device_id;  // "move to a new phone"
  std::chrono::seconds lifetime = kMaxActivationLifetime;
  std::string activate_url;  // absolute URL of POST /v1/activate, put into the URI
};

/// A new session. `code` and `uri` are shown to the creator only (the response and QR).
struct NewActivation {
  std::string id;
  std::string user_id;
  std::string code;
  std::string uri;  // twostep://activate?code=…&url=…
  core::TimePoint expires_at;
};

/// Creates a session for a usable user. `who.actor` is stored as its creator (who may read
/// its status and QR). Errors: 404 "user_not_found"; 403 "user_disabled"; 423
/// "user_blocked"; for replace_device_id 404 "device_not_found" (not this user's) or 409
/// "device_deactivated". Audits "activation.created".
core::Result<NewActivation> create_activation(store::Tx& tx, const core::Clock& clock,
                                              core::Random& random, const core::Sealer& sealer,
                                              const store::AuditContext& who,
                                              const ActivationRequest& request);

enum class ActivationStatus { kPending, kCompleted, kExpired };
std::string_view activation_status_name(ActivationStatus status);  // pending|completed|expired

struct ActivationInfo {
  std::string id;
  std::string user_id;
  std::string created_by;  // the creator's audit actor, e.g. "user:alice" or "admin:desk"
  ActivationStatus status = ActivationStatus::kPending;
  std::optional<std::string> device_id;  // once completed
  std::optional<std::string> replace_device_id;
  core::TimePoint created_at;
  core::TimePoint expires_at;
  std::optional<core::TimePoint> completed_at;
};

/// The session's state. 404 "activation_not_found".
core::Result<ActivationInfo> get_activation(store::Tx& tx, const core::Clock& clock,
                                            std::string_view activation_id);

/// The activation URI again, for the QR endpoints, while the session is pending. Errors:
/// 404 "activation_not_found", 409 "activation_used", 410 "activation_expired".
core::Result<std::string> activation_uri_for(store::Tx& tx, const core::Clock& clock,
                                             const core::Sealer& sealer,
                                             std::string_view activation_id,
                                             std::string_view activate_url);

/// The aad that binds a sealed activation code to its row.
std::string activation_code_aad(std::string_view activation_id);

}  // namespace twostep::activation
