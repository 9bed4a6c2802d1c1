// What push decisions read and change on the users and devices tables: a device's key and
// status, the user's status and lockout state. The devices table belongs to activation/ and
// the users table to account/; push/ may not include either (STYLE.md's layers), so these
// are the few statements it needs, applying the lockout rule from totp/rules.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "totp/rules.hpp"

namespace twostep::push::detail {

/// A device as push sees it.
struct DeviceKey {
  std::string id;
  std::string user_id;
  bool active = false;
  core::Bytes public_key;  // DER SubjectPublicKeyInfo
};

std::optional<DeviceKey> find_device(store::Tx& tx, std::string_view device_id);

/// True when `signature_b64url` is a valid P-256 signature of `message` by the device's key.
/// Malformed base64url, a malformed signature or a stored key that does not parse are all
/// simply "not valid".
bool signature_valid(const DeviceKey& device, std::string_view message,
                     std::string_view signature_b64url);

std::int64_t count_active_devices(store::Tx& tx, std::string_view user_id);

/// A user as push sees it.
struct UserState {
  std::string id;
  std::string status;  // active | disabled | blocked
  totp::LockoutState lockout;
};

std::optional<UserState> find_user(store::Tx& tx, std::string_view user_id);

/// Refuses a user who may not authenticate now: 423 "user_blocked", 403 "user_disabled",
/// 423 "locked_out" with retry_after until the lock ends.
core::Result<void> require_may_authenticate(const UserState& user, std::int64_t now);

/// Counts a failed attempt (atomic increment, so concurrent failures all count) and locks
/// the user at the policy's threshold, auditing "user.locked_out". True when it locked now.
bool record_failure(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                    const UserState& user, const totp::LockoutPolicy& policy);

/// Clears failures and any lock after a success.
void record_success(store::Tx& tx, const core::Clock& clock, const UserState& user);

/// Sets an active user's status to blocked (a fraud report or a "not me"); a disabled user
/// stays disabled. Either way every remember token of the user is deleted. True when the
/// status changed.
bool block_user(store::Tx& tx, const core::Clock& clock, std::string_view user_id);

}  // namespace twostep::push::detail
