#include "activation/devices.hpp"

#include <array>
#include <limits>
#include <utility>

#include "activation/rows.hpp"

namespace twostep::activation {
namespace {

using Row = store::Row;

constexpr std::array<std::pair<DeactivationReason, std::string_view>, 7> kReasons{{
    {DeactivationReason::kUserRemoved, "user_removed"},
    {DeactivationReason::kAdminRemoved, "admin_removed"},
    {DeactivationReason::kReplaced, "replaced"},
    {DeactivationReason::kStale, "stale"},
    {DeactivationReason::kDeviceRemoved, "device_removed"},
    {DeactivationReason::kDisowned, "disowned"},
    {DeactivationReason::kAdminReregistration, "admin_reregistration"},
}};

constexpr std::string_view kSelectDevice =
    "SELECT d.id, d.user_id, u.username, d.display_name, d.platform, d.app_version, "
    "d.public_key, d.status, d.created_at, d.last_seen_at, d.deactivated_at, "
    "d.deactivated_reason FROM devices d JOIN users u ON u.id = d.user_id ";

Device device_from_row(const Row& row) {
  Device d;
  d.id = row.text(0);
  d.user_id = row.text(1);
  d.username = row.text(2);
  d.display_name = row.text(3);
  d.platform = row.text(4);
  d.app_version = row.text(5);
  d.public_key = row.blob(6);
  d.status = parse_device_status(row.text(7)).value_or(DeviceStatus::kDeactivated);
  d.created_at = time_at(row, 8);
  d.last_seen_at = time_at(row, 9);
  d.deactivated_at = opt_time_at(row, 10);
  if (auto reason = row.opt_text(11)) d.deactivated_reason = parse_deactivation_reason(*reason);
  return d;
}

std::unexpected<core::Error> device_not_found() {
  return core::fail(core::ErrorKind::kNotFound, "device_not_found", "no such device");
}

}  // namespace

std::string_view status_name(DeviceStatus status) {
  return status == DeviceStatus::kActive ? "active" : "deactivated";
}

std::optional<DeviceStatus> parse_device_status(std::string_view name) {
  if (name == "active") return DeviceStatus::kActive;
  if (name == "deactivated") return DeviceStatus::kDeactivated;
  return std::nullopt;
}

std::string_view reason_name(DeactivationReason reason) {
  for (const auto& [r, name] : kReasons) {
    if (r == reason) return name;
  }
  return "admin_removed";
}

std::optional<DeactivationReason> parse_deactivation_reason(std::string_view name) {
  for (const auto& [r, n] : kReasons) {
    if (n == name) return r;
  }
  return std::nullopt;
}

core::Result<Deactivation> deactivate_device(store::Tx& tx, const core::Clock& clock,
                                             const store::AuditContext& who,
                                             std::string_view device_id,
                                             DeactivationReason reason) {
  const std::string id(device_id);
  auto row = tx.query_one("SELECT user_id FROM devices WHERE id = ?", {id});
  if (!row) return device_not_found();
  const std::string user_id = row->text(0);
  const std::int64_t now = core::unix_seconds(clock.now());
  const std::string reason_text(reason_name(reason));
  // Conditional on 'active': of two concurrent deactivations only one changes the row.
  const auto changed = tx.exec(
      "UPDATE devices SET status = 'deactivated', deactivated_at = ?, deactivated_reason = ? "
      "WHERE id = ? AND status = 'active'",
      {now, reason_text, id});
  if (changed == 0) {
    return core::fail(core::ErrorKind::kConflict, "device_deactivated",
                      "the device is already deactivated");
  }
  tx.exec(
      "UPDATE totp_credentials SET secret_sealed = NULL, status = 'deleted', deleted_at = ? "
      "WHERE device_id = ? AND status <> 'deleted'",
      {now, id});
  store::append_audit(tx, clock, who,
                      {"device.deactivated", user_id, id, "success", {{"reason", reason_text}}});
  return Deactivation{id, user_id, reason};
}

core::Result<Deactivation> deactivate_user_device(store::Tx& tx, const core::Clock& clock,
                                                  const store::AuditContext& who,
                                                  std::string_view user_id,
                                                  std::string_view device_id,
                                                  DeactivationReason reason) {
  auto row = tx.query_one("SELECT user_id FROM devices WHERE id = ?", {std::string(device_id)});
  if (!row || row->text(0) != user_id) return device_not_found();
  return deactivate_device(tx, clock, who, device_id, reason);
}

std::vector<Deactivation> deactivate_all_user_devices(store::Tx& tx, const core::Clock& clock,
                                                      const store::AuditContext& who,
                                                      std::string_view user_id,
                                                      DeactivationReason reason) {
  std::vector<Deactivation> out;
  const auto rows = tx.query(
      "SELECT id FROM devices WHERE user_id = ? AND status = 'active' ORDER BY created_at, id",
      {std::string(user_id)});
  for (const auto& row : rows) {
    if (auto done = deactivate_device(tx, clock, who, row.text(0), reason)) {
      out.push_back(std::move(*done));
    }
  }
  return out;
}

std::optional<Device> find_device(store::Tx& tx, std::string_view device_id) {
  auto row = tx.query_one(std::string(kSelectDevice) + "WHERE d.id = ?", {std::string(device_id)});
  if (!row) return std::nullopt;
  return device_from_row(*row);
}

bool touch_device(store::Tx& tx, const core::Clock& clock, std::string_view device_id) {
  const std::string id(device_id);
  const std::int64_t now = core::unix_seconds(clock.now());
  if (tx.exec("UPDATE devices SET last_seen_at = ? "
              "WHERE id = ? AND status = 'active' AND last_seen_at < ?",
              {now, id, now}) > 0) {
    return true;
  }
  auto row = tx.query_one("SELECT status FROM devices WHERE id = ?", {id});
  return row && row->text(0) == "active";
}

core::Result<DevicePage> list_devices(store::Tx& tx, const core::Clock& clock,
                                      const DeviceFilter& filter) {
  if (filter.limit < 1 || filter.limit > 500) {
    return core::fail_invalid("limit", "limit must be between 1 and 500");
  }
  if (filter.not_seen_days && (*filter.not_seen_days < 0 || *filter.not_seen_days > 36500)) {
    return core::fail_invalid("not_seen_days", "not_seen_days must be between 0 and 36500");
  }
  auto position = decode_position(filter.cursor);
  if (!position) return std::unexpected(position.error());

  // Unset filters bind values that match everything, so one statement with fixed
  // placeholders serves every combination in both SQL dialects.
  const std::string user = filter.user_id.value_or("");
  const std::string status = filter.status ? std::string(status_name(*filter.status)) : "";
  const std::int64_t seen_before =
      filter.not_seen_days
          ? core::unix_seconds(clock.now()) - std::int64_t{*filter.not_seen_days} * 86400
          : std::numeric_limits<std::int64_t>::max();
  auto rows = tx.query(std::string(kSelectDevice) +
                           "WHERE (? = '' OR d.user_id = ?) AND (? = '' OR d.status = ?) "
                           "AND d.last_seen_at <= ? "
                           "AND (d.created_at > ? OR (d.created_at = ? AND d.id > ?)) "
                           "ORDER BY d.created_at, d.id LIMIT ?",
                       {user, user, status, status, seen_before, position->created_at,
                        position->created_at, position->id, std::int64_t{filter.limit} + 1});

  DevicePage page;
  for (const auto& row : rows) page.items.push_back(device_from_row(row));
  if (page.items.size() > static_cast<std::size_t>(filter.limit)) {
    page.items.pop_back();
    const Device& last = page.items.back();
    page.next_cursor = encode_position({core::unix_seconds(last.created_at), last.id});
  }
  return page;
}

}  // namespace twostep::activation
