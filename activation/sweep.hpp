// Bulk removal of registrations: the stale-device sweep (an admin's dry run and real run,
// and the background sweep when stale_device_days is set) and "require re-registration"
// of one user. Both go through deactivate_device(), so each device is wiped and audited
// like any other deactivation. Sweeps are bounded per call (privacyIDEA #4204: a cleanup
// job without a bound and a dry run removed thousands of tokens).
#pragma once

#include <string_view>
#include <vector>

#include "activation/devices.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::activation {

inline constexpr int kDefaultSweepLimit = 500;
inline constexpr int kMaxSweepLimit = 1000;

struct StaleSweep {
  bool dry_run = true;
  int not_seen_days = 0;
  /// The active devices not seen for not_seen_days (as they were before the sweep).
  std::vector<Device> devices;
  /// For a real run, what was deactivated (reason `stale`): tell the hub after commit.
  std::vector<Deactivation> deactivations;
  /// True when more stale devices remain beyond `limit`; run again to continue.
  bool more = false;
};

/// Lists (dry run) or deactivates (real run) active devices whose last_seen_at is at least
/// not_seen_days old, oldest first, at most `limit`. Errors: 400 "invalid_not_seen_days"
/// (must be 1..36500: 0 would mean every device), "invalid_limit" (1..kMaxSweepLimit).
/// Audits one "device.stale_sweep" row with the counts, besides each device's own row.
core::Result<StaleSweep> sweep_stale_devices(store::Tx& tx, const core::Clock& clock,
                                             const store::AuditContext& who, int not_seen_days,
                                             bool dry_run, int limit = kDefaultSweepLimit);

struct Reregistration {
  std::vector<Deactivation> deactivations;  // reason `admin_reregistration`
  int oath_tokens_deleted = 0;
  int activations_cancelled = 0;  // pending activation sessions, deleted
};

/// Removes every authenticator method this module owns from a user: deactivates all active
/// devices, deletes all OATH tokens, and deletes pending activations (an old QR code must
/// not bring a device back). Phones, app passwords and the new registration link belong to
/// other modules; the caller composes them in the same transaction. Errors: 404
/// "user_not_found". Audits "user.reregistration_required".
core::Result<Reregistration> require_reregistration(store::Tx& tx, const core::Clock& clock,
                                                    const store::AuditContext& who,
                                                    std::string_view user);

}  // namespace twostep::activation
