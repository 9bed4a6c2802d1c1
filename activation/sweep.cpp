#include "activation/sweep.hpp"

#include "activation/oath_tokens.hpp"
#include "activation/user_guard.hpp"

namespace twostep::activation {

core::Result<StaleSweep> sweep_stale_devices(store::Tx& tx, const core::Clock& clock,
                                             const store::AuditContext& who, int not_seen_days,
                                             bool dry_run, int limit) {
  if (not_seen_days < 1 || not_seen_days > 36500) {
    return core::fail_invalid("not_seen_days", "not_seen_days must be between 1 and 36500");
  }
  if (limit < 1 || limit > kMaxSweepLimit) {
    return core::fail_invalid("limit", "limit must be between 1 and 1000");
  }
  DeviceFilter filter;
  filter.status = DeviceStatus::kActive;
  filter.not_seen_days = not_seen_days;
  filter.limit = limit;
  auto page = list_devices(tx, clock, filter);
  if (!page) return std::unexpected(page.error());

  StaleSweep sweep{
      dry_run, not_seen_days, std::move(page->items), {}, page->next_cursor.has_value()};
  if (!dry_run) {
    for (const Device& device : sweep.devices) {
      auto done = deactivate_device(tx, clock, who, device.id, DeactivationReason::kStale);
      if (done) sweep.deactivations.push_back(std::move(*done));
    }
  }
  store::append_audit(tx, clock, who,
                      {"device.stale_sweep",
                       "",
                       "",
                       "success",
                       {{"dry_run", dry_run},
                        {"not_seen_days", not_seen_days},
                        {"found", sweep.devices.size()},
                        {"deactivated", sweep.deactivations.size()},
                        {"more", sweep.more}}});
  return sweep;
}

core::Result<Reregistration> require_reregistration(store::Tx& tx, const core::Clock& clock,
                                                    const store::AuditContext& who,
                                                    std::string_view user) {
  auto owner = require_user(tx, user);
  if (!owner) return std::unexpected(owner.error());
  Reregistration out;
  out.deactivations = deactivate_all_user_devices(tx, clock, who, owner->id,
                                                  DeactivationReason::kAdminReregistration);
  out.oath_tokens_deleted = delete_all_oath_tokens(tx, clock, who, owner->id);
  out.activations_cancelled = static_cast<int>(
      tx.exec("DELETE FROM activations WHERE user_id = ? AND status = 'pending'", {owner->id}));
  store::append_audit(tx, clock, who,
                      {"user.reregistration_required",
                       owner->id,
                       "",
                       "success",
                       {{"devices_deactivated", out.deactivations.size()},
                        {"oath_tokens_deleted", out.oath_tokens_deleted},
                        {"activations_cancelled", out.activations_cancelled}}});
  return out;
}

}  // namespace twostep::activation
