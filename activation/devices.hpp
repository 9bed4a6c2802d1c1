// The device registry and its lifecycle. A device is `active` from activation until it is
// deactivated explicitly, for one of the reasons below; `deactivated` is final (a new
// activation makes a new device). Every path that ends a device — the user, an admin, a
// replacing activation, the stale sweep, the app itself, "not me", re-registration — goes
// through deactivate_device(), so each one wipes the TOTP secret and writes the audit row.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/encoding.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::activation {

enum class DeviceStatus { kActive, kDeactivated };

/// Why a device was deactivated; stored and shown as the snake_case name.
enum class DeactivationReason {
  kUserRemoved,          // the user removed it on the Security info page
  kAdminRemoved,         // an admin removed it
  kReplaced,             // "move to a new phone": a new device's activation replaced it
  kStale,                // the stale sweep (not seen for N days)
  kDeviceRemoved,        // the app removed its own account
  kDisowned,             // another device of the user answered "not me" to its notice
  kAdminReregistration,  // an admin required re-registration of every method
};

std::string_view status_name(DeviceStatus status);  // "active" | "deactivated"
std::optional<DeviceStatus> parse_device_status(std::string_view name);
std::string_view reason_name(DeactivationReason reason);  // e.g. "user_removed"
std::optional<DeactivationReason> parse_deactivation_reason(std::string_view name);

/// A device row (with its user's username for cross-user listings).
struct Device {
  std::string id;
  std::string user_id;
  std::string username;
  std::string display_name;
  std::string platform;
  std::string app_version;
  core::Bytes public_key;  // DER SubjectPublicKeyInfo (P-256)
  DeviceStatus status = DeviceStatus::kActive;
  core::TimePoint created_at;
  core::TimePoint last_seen_at;
  std::optional<core::TimePoint> deactivated_at;
  std::optional<DeactivationReason> deactivated_reason;
};

/// A deactivation that committed with the caller's transaction. The caller tells the
/// connection hub after the commit (close the socket with `reason`, cancel pushes).
struct Deactivation {
  std::string device_id;
  std::string user_id;
  DeactivationReason reason;
};

/// The one transition active → deactivated, in `tx`: sets status, reason and time; wipes
/// the device's TOTP secret (secret_sealed = NULL, credential 'deleted'); appends the
/// audit row "device.deactivated". The UPDATE is conditional on status 'active', so two
/// concurrent deactivations cannot both succeed. Errors: 404 "device_not_found"; 409
/// "device_deactivated" when it is already deactivated (deactivation is final and never
/// repeated, so the original reason and time stay on record).
core::Result<Deactivation> deactivate_device(store::Tx& tx, const core::Clock& clock,
                                             const store::AuditContext& who,
                                             std::string_view device_id, DeactivationReason reason);

/// Like deactivate_device, but a device of another user is "device_not_found" (the user or
/// admin names the user in the path; another user's device ids must not be probed).
core::Result<Deactivation> deactivate_user_device(store::Tx& tx, const core::Clock& clock,
                                                  const store::AuditContext& who,
                                                  std::string_view user_id,
                                                  std::string_view device_id,
                                                  DeactivationReason reason);

/// Deactivates every active device of a user (used by re-registration).
std::vector<Deactivation> deactivate_all_user_devices(store::Tx& tx, const core::Clock& clock,
                                                      const store::AuditContext& who,
                                                      std::string_view user_id,
                                                      DeactivationReason reason);

/// The device, whatever its status (the WebSocket checks status and key), or nullopt.
std::optional<Device> find_device(store::Tx& tx, std::string_view device_id);

/// Records device contact (WebSocket auth, ping, answer): last_seen_at = now for an active
/// device. Writes at most once per second per device. False when the device is not active.
bool touch_device(store::Tx& tx, const core::Clock& clock, std::string_view device_id);

/// Filters for listing devices; unset fields do not filter.
struct DeviceFilter {
  std::optional<std::string> user_id;
  std::optional<DeviceStatus> status;
  std::optional<int> not_seen_days;  // last seen at least this many days ago (>= 0)
  int limit = 100;                   // 1..500
  std::string cursor;                // from DevicePage::next_cursor; "" = first page
};

struct DevicePage {
  std::vector<Device> items;
  std::optional<std::string> next_cursor;
};

/// Devices in creation order (oldest first). Errors: 400 "invalid_cursor",
/// "invalid_limit", "invalid_not_seen_days".
core::Result<DevicePage> list_devices(store::Tx& tx, const core::Clock& clock,
                                      const DeviceFilter& filter);

}  // namespace twostep::activation
