// Users and devices as push sees them; see principals.hpp.
#include "push/principals.hpp"

#include <algorithm>

#include "core/encoding.hpp"

namespace twostep::push::detail {

std::optional<DeviceKey> find_device(store::Tx& tx, std::string_view device_id) {
  auto row = tx.query_one("SELECT id, user_id, status, public_key FROM devices WHERE id = ?",
                          {std::string(device_id)});
  if (!row) return std::nullopt;
  return DeviceKey{row->text(0), row->text(1), row->text(2) == "active", row->blob(3)};
}

bool signature_valid(const DeviceKey& device, std::string_view message,
                     std::string_view signature_b64url) {
  const auto signature = core::base64url_decode(signature_b64url);
  if (!signature || signature->empty()) return false;
  const auto key = core::parse_p256_public_key(device.public_key);
  return key && core::verify_p256(*key, message, *signature);
}

std::int64_t count_active_devices(store::Tx& tx, std::string_view user_id) {
  auto row = tx.query_one("SELECT COUNT(*) FROM devices WHERE user_id = ? AND status = 'active'",
                          {std::string(user_id)});
  return row ? row->integer(0) : 0;
}

std::optional<UserState> find_user(store::Tx& tx, std::string_view user_id) {
  auto row =
      tx.query_one("SELECT id, status, failed_attempts, locked_until FROM users WHERE id = ?",
                   {std::string(user_id)});
  if (!row) return std::nullopt;
  return UserState{row->text(0), row->text(1),
                   totp::LockoutState{row->integer(2), row->opt_integer(3)}};
}

core::Result<void> require_may_authenticate(const UserState& user, std::int64_t now) {
  if (user.status == "blocked") {
    return core::fail(core::ErrorKind::kLocked, "user_blocked",
                      "the user is blocked until an administrator unblocks them");
  }
  if (user.status != "active") {
    return core::fail(core::ErrorKind::kForbidden, "user_disabled", "the user is disabled");
  }
  if (totp::is_locked(user.lockout, now)) {
    auto error = core::fail(core::ErrorKind::kLocked, "locked_out",
                            "too many failed attempts; try again later");
    error.error().retry_after =
        std::chrono::seconds(std::max<std::int64_t>(1, *user.lockout.locked_until - now));
    return error;
  }
  return {};
}

bool record_failure(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                    const UserState& user, const totp::LockoutPolicy& policy) {
  const std::int64_t now = core::unix_seconds(clock.now());
  // Incremented in the database so that failures racing on other threads or nodes all
  // count; the rule then sees the count from before this failure.
  auto row = tx.query_one(
      "UPDATE users SET failed_attempts = failed_attempts + 1, updated_at = ? WHERE id = ? "
      "RETURNING failed_attempts, locked_until",
      {now, user.id});
  if (!row) return false;
  const totp::LockoutState before{row->integer(0) - 1, row->opt_integer(1)};
  const totp::FailureOutcome out = totp::record_failure(policy, before, now);
  if (!out.locked_now) return false;
  tx.exec("UPDATE users SET locked_until = ? WHERE id = ?", {*out.state.locked_until, user.id});
  store::append_audit(tx, clock, who,
                      {"user.locked_out",
                       user.id,
                       "",
                       "locked",
                       {{"factor", "push"},
                        {"failed_attempts", out.state.failed_attempts},
                        {"locked_until", *out.state.locked_until}}});
  return true;
}

void record_success(store::Tx& tx, const core::Clock& clock, const UserState& user) {
  if (user.lockout == totp::LockoutState{}) return;
  tx.exec("UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?",
          {core::unix_seconds(clock.now()), user.id});
}

bool block_user(store::Tx& tx, const core::Clock& clock, std::string_view user_id) {
  // A fraud report means someone else may hold this user's trusted browsers too. The
  // remember_tokens table belongs to account/, which push/ may not include (STYLE.md's
  // layers), so this is account::revoke_remember_tokens' one statement; the caller's audit
  // row ("push.fraud" / "device.disowned") records the block. Done for a disabled user too.
  tx.exec("DELETE FROM remember_tokens WHERE user_id = ?", {std::string(user_id)});
  return tx.exec(
             "UPDATE users SET status = 'blocked', updated_at = ? WHERE id = ? AND "
             "status = 'active'",
             {core::unix_seconds(clock.now()), std::string(user_id)}) > 0;
}

}  // namespace twostep::push::detail
