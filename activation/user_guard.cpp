#include "activation/user_guard.hpp"

namespace twostep::activation {

std::string username_key(std::string_view username) {
  std::string key(username);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

namespace {

#define TWOSTEP_USER_COLUMNS \
  "SELECT id, username, display_name, status, failed_attempts, locked_until FROM users "
constexpr const char* kUserById = TWOSTEP_USER_COLUMNS "WHERE id = ?";
constexpr const char* kUserByKey = TWOSTEP_USER_COLUMNS "WHERE username_key = ?";
#undef TWOSTEP_USER_COLUMNS

}  // namespace

// An id wins over a username that happens to read like one. Two index lookups: one query
// with `id = ? OR username_key = ?` and that preference would sort in a temporary b-tree.
std::optional<UserRef> find_user(store::Tx& tx, std::string_view id_or_username) {
  auto row = tx.query_one(kUserById, {std::string(id_or_username)});
  if (!row) row = tx.query_one(kUserByKey, {username_key(id_or_username)});
  if (!row) return std::nullopt;
  return UserRef{row->text(0), row->text(1), row->text(2), row->text(3),
                 totp::LockoutState{row->integer(4), row->opt_integer(5)}};
}

core::Result<UserRef> require_user(store::Tx& tx, std::string_view id_or_username) {
  if (auto user = find_user(tx, id_or_username)) return std::move(*user);
  return core::fail(core::ErrorKind::kNotFound, "user_not_found", "no such user");
}

core::Result<void> require_usable(const UserRef& user) {
  if (user.status == "disabled") {
    return core::fail(core::ErrorKind::kForbidden, "user_disabled", "the user is disabled");
  }
  if (user.status == "blocked") {
    return core::fail(core::ErrorKind::kLocked, "user_blocked",
                      "the user is blocked until an administrator unblocks them");
  }
  return {};
}

totp::FailureOutcome record_user_failure(store::Tx& tx, const core::Clock& clock,
                                         const store::AuditContext& who, const UserRef& user,
                                         const totp::LockoutPolicy& policy,
                                         std::string_view factor) {
  const std::int64_t now = core::unix_seconds(clock.now());
  // The increment happens in the database, so attempts running at the same time are all
  // counted; the rule then sees the count from before this failure. It is read back in the
  // same transaction, which now holds the row (not with RETURNING: SQLite buffers those rows
  // in a temporary b-tree it creates for each call).
  tx.exec("UPDATE users SET failed_attempts = failed_attempts + 1, updated_at = ? WHERE id = ?",
          {now, user.id});
  auto row =
      tx.query_one("SELECT failed_attempts, locked_until FROM users WHERE id = ?", {user.id});
  if (!row) return {user.lockout, false};
  const totp::LockoutState before{row->integer(0) - 1, row->opt_integer(1)};
  totp::FailureOutcome out = totp::record_failure(policy, before, now);
  if (out.locked_now) {
    tx.exec("UPDATE users SET locked_until = ? WHERE id = ?", {*out.state.locked_until, user.id});
    store::append_audit(tx, clock, who,
                        {"user.locked_out",
                         user.id,
                         "",
                         "locked",
                         {{"factor", std::string(factor)},
                          {"failed_attempts", out.state.failed_attempts},
                          {"locked_until", *out.state.locked_until}}});
  }
  return out;
}

void record_user_success(store::Tx& tx, const core::Clock& clock, const UserRef& user) {
  if (user.lockout == totp::LockoutState{}) return;
  tx.exec("UPDATE users SET failed_attempts = 0, locked_until = NULL, updated_at = ? WHERE id = ?",
          {core::unix_seconds(clock.now()), user.id});
}

}  // namespace twostep::activation
