#include "activation/activation_codes.hpp"

#include <algorithm>

#include "activation/activation_uri.hpp"
#include "activation/devices.hpp"
#include "activation/rows.hpp"
#include "activation/user_guard.hpp"
#include "core/ids.hpp"

namespace twostep::activation {
namespace {

// 16 bytes = 128 bits, above the 112 bits NIST asks of a binding code.
constexpr std::size_t kCodeBytes = 16;

core::Result<void> check_replaced_device(store::Tx& tx, const std::string& user_id,
                                         const std::string& device_id) {
  auto device = find_device(tx, device_id);
  if (!device || device->user_id != user_id) {
    return core::fail(core::ErrorKind::kNotFound, "device_not_found", "no such device");
  }
  if (device->status != DeviceStatus::kActive) {
    return core::fail(core::ErrorKind::kConflict, "device_deactivated",
                      "the device to replace is already deactivated");
  }
  return {};
}

ActivationInfo info_from_row(const store::Row& row, std::int64_t now) {
  ActivationInfo info;
  info.id = row.text(0);
  info.user_id = row.text(1);
  info.created_by = row.text(2);
  info.device_id = row.opt_text(4);
  info.replace_device_id = row.opt_text(5);
  info.created_at = time_at(row, 6);
  info.expires_at = time_at(row, 7);
  info.completed_at = opt_time_at(row, 8);
  if (row.text(3) == "completed") {
    info.status = ActivationStatus::kCompleted;
  } else if (now >= row.integer(7)) {
    info.status = ActivationStatus::kExpired;
  }
  return info;
}

}  // namespace

std::string_view activation_status_name(ActivationStatus status) {
  switch (status) {
    case ActivationStatus::kCompleted:
      return "completed";
    case ActivationStatus::kExpired:
      return "expired";
    case ActivationStatus::kPending:
      break;
  }
  return "pending";
}

std::string activation_code_aad(std::string_view activation_id) {
  return "activation:" + std::string(activation_id);
}

core::Result<NewActivation> create_activation(store::Tx& tx, const core::Clock& clock,
                                              core::Random& random, const core::Sealer& sealer,
                                              const store::AuditContext& who,
                                              const ActivationRequest& request) {
  auto user = require_user(tx, request.user);
  if (!user) return std::unexpected(user.error());
  if (auto usable = require_usable(*user); !usable) return std::unexpected(usable.error());
  if (request.replace_device_id) {
    auto ok = check_replaced_device(tx, user->id, *request.replace_device_id);
    if (!ok) return std::unexpected(ok.error());
  }

  const auto lifetime =
      std::clamp(request.lifetime, kMinActivationLifetime, kMaxActivationLifetime);
  const std::int64_t now = core::unix_seconds(clock.now());
  NewActivation out;
  out.id = core::new_id("act", random);
  out.user_id = user->id;
  out.code = random.token(kCodeBytes);
  out.uri = build_activation_uri(out.code, request.activate_url);
  out.expires_at = core::from_unix_seconds(now + lifetime.count());

  store::Value replace = nullptr;
  if (request.replace_device_id) replace = *request.replace_device_id;
  tx.exec(
      "INSERT INTO activations (id, user_id, code_hash, code_sealed, replace_device_id, "
      "created_by, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
      {out.id, out.user_id, core::sha256_hex(out.code),
       sealer.seal(core::as_bytes(out.code), activation_code_aad(out.id)), replace, who.actor, now,
       core::unix_seconds(out.expires_at)});
  boost::json::object detail{{"activation_id", out.id},
                             {"expires_at", core::unix_seconds(out.expires_at)}};
  if (request.replace_device_id) detail["replace_device_id"] = *request.replace_device_id;
  store::append_audit(tx, clock, who,
                      {"activation.created", out.user_id, "", "success", std::move(detail)});
  return out;
}

core::Result<ActivationInfo> get_activation(store::Tx& tx, const core::Clock& clock,
                                            std::string_view activation_id) {
  auto row = tx.query_one(
      "SELECT id, user_id, created_by, status, device_id, replace_device_id, created_at, "
      "expires_at, completed_at FROM activations WHERE id = ?",
      {std::string(activation_id)});
  if (!row) {
    return core::fail(core::ErrorKind::kNotFound, "activation_not_found", "no such activation");
  }
  return info_from_row(*row, core::unix_seconds(clock.now()));
}

core::Result<std::string> activation_uri_for(store::Tx& tx, const core::Clock& clock,
                                             const core::Sealer& sealer,
                                             std::string_view activation_id,
                                             std::string_view activate_url) {
  auto info = get_activation(tx, clock, activation_id);
  if (!info) return std::unexpected(info.error());
  if (info->status == ActivationStatus::kCompleted) {
    return core::fail(core::ErrorKind::kConflict, "activation_used",
                      "the activation was already used");
  }
  if (info->status == ActivationStatus::kExpired) {
    return core::fail(core::ErrorKind::kGone, "activation_expired", "the activation expired");
  }
  auto row = tx.query_one("SELECT code_sealed FROM activations WHERE id = ?",
                          {std::string(activation_id)});
  if (!row || row->is_null(0)) {
    return core::fail(core::ErrorKind::kConflict, "activation_used",
                      "the activation was already used");
  }
  auto code = sealer.open(row->blob(0), activation_code_aad(activation_id));
  if (!code) return std::unexpected(code.error());
  return build_activation_uri(code->unsafe_string_view(), activate_url);
}

}  // namespace twostep::activation
