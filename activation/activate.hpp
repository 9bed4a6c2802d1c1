// POST /v1/activate's domain: a phone presents an activation code and its P-256 public key
// and becomes an active device of the code's user, with its own TOTP credential. One
// transaction: the code is consumed (conditionally, so two phones racing with the same code
// get exactly one device), the device and its sealed secret are stored, and a device being
// replaced is deactivated — all or nothing.
#pragma once

#include <string>
#include <vector>

#include "activation/devices.hpp"
#include "activation/user_guard.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "totp/otp.hpp"

namespace twostep::activation {

/// What the phone sends (API.md "Activation").
struct ActivateRequest {
  std::string code;
  std::string device_name;  // 1..100 bytes of UTF-8
  std::string platform;     // 1..50
  std::string app_version;  // 1..50
  std::string public_key;   // base64url (no padding) DER SubjectPublicKeyInfo, P-256
};

/// The new device. `totp_secret_base32` is returned to the phone once and never again.
struct ActivatedDevice {
  std::string device_id;
  std::string activation_id;
  std::string credential_id;
  UserRef user;
  totp::Params totp;  // SHA1 / 6 digits / 30 s
  std::string totp_secret_base32;
  /// The replaced device, if the activation named one that was still active. Tell the hub
  /// after the commit.
  std::vector<Deactivation> deactivated;
};

/// Activates in `tx`; the caller commits only on success (Store::write does). Inputs are
/// checked before the code is looked at, so a bad key leaves the code usable. Errors:
/// 400 "invalid_public_key", "invalid_code", "invalid_device_name", "invalid_platform",
/// "invalid_app_version"; 404 "activation_not_found"; 409 "activation_used"; 410
/// "activation_expired"; 403 "user_disabled"; 423 "user_blocked". Audits
/// "device.activated" (and "device.deactivated" for a replaced device).
core::Result<ActivatedDevice> activate_device(store::Tx& tx, const core::Clock& clock,
                                              core::Random& random, const core::Sealer& sealer,
                                              const store::AuditContext& who,
                                              const ActivateRequest& request);

}  // namespace twostep::activation
