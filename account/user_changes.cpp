// Status, role and display-name changes, and deletion, of existing users.
#include <boost/json/object.hpp>

#include "account/remember_tokens.hpp"
#include "account/users.hpp"

namespace twostep::account {

namespace {

std::int64_t now_unix(const Env& env) { return core::unix_seconds(env.clock.now()); }

void write_fields(store::Tx& tx, const Env& env, const User& u) {
  tx.exec("UPDATE users SET display_name = ?, status = ?, role = ?, updated_at = ? WHERE id = ?",
          {u.display_name, std::string(to_string(u.status)), std::string(to_string(u.role)),
           now_unix(env), u.id});
}

void note_change(boost::json::object& changes, std::string_view field, std::string_view before,
                 std::string_view after) {
  if (before != after) changes[field] = {{"old", before}, {"new", after}};
}

core::Result<void> check_patch(const User& user, const UserPatch& patch) {
  if (patch.display_name) {
    if (auto ok = check_display_name(*patch.display_name); !ok) return ok;
  }
  if (patch.status == UserStatus::kBlocked) {
    return core::fail_invalid("status",
                              "status must be \"active\" or \"disabled\"; users are blocked only "
                              "by a fraud report");
  }
  if (patch.status == UserStatus::kActive && user.status == UserStatus::kBlocked) {
    return core::fail(core::ErrorKind::kConflict, "user_blocked",
                      "this user is blocked after a fraud report; unblock them instead", "status");
  }
  return {};
}

}  // namespace

core::Result<User> update_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                               std::string_view user_ref, const UserPatch& patch) {
  auto user = get_user(tx, user_ref);
  if (!user) return user;
  if (auto ok = check_patch(*user, patch); !ok) return std::unexpected(ok.error());
  User after = *user;
  if (patch.display_name) after.display_name = *patch.display_name;
  if (patch.status) after.status = *patch.status;
  if (patch.role) after.role = *patch.role;
  boost::json::object changes;
  note_change(changes, "display_name", user->display_name, after.display_name);
  note_change(changes, "status", to_string(user->status), to_string(after.status));
  note_change(changes, "role", to_string(user->role), to_string(after.role));
  write_fields(tx, env, after);
  store::append_audit(tx, env.clock, who,
                      {"user.updated", after.id, "", "success", {{"changes", changes}}});
  return get_user(tx, after.id);
}

core::Result<User> block_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                              std::string_view user_ref, std::string_view reason) {
  auto user = get_user(tx, user_ref);
  if (!user) return user;
  if (user->status != UserStatus::kBlocked) {
    user->status = UserStatus::kBlocked;
    write_fields(tx, env, *user);
  }
  store::append_audit(tx, env.clock, who,
                      {"user.blocked", user->id, "", "success", {{"reason", reason}}});
  // Whoever reported the fraud may be holding a trusted browser of this user.
  revoke_remember_tokens(tx, env.clock, who, user->id, "fraud_block");
  return get_user(tx, user->id);
}

core::Result<User> unblock_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                std::string_view user_ref) {
  auto user = get_user(tx, user_ref);
  if (!user) return user;
  if (user->status != UserStatus::kBlocked) {
    return core::fail(
        core::ErrorKind::kConflict, "user_not_blocked",
        "this user is not blocked (status " + std::string(to_string(user->status)) + ")");
  }
  user->status = UserStatus::kActive;
  write_fields(tx, env, *user);
  store::append_audit(tx, env.clock, who, {"user.unblocked", user->id, "", "success", {}});
  return get_user(tx, user->id);
}

core::Result<void> delete_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                               std::string_view user_ref) {
  auto user = get_user(tx, user_ref);
  if (!user) return std::unexpected(user.error());
  tx.exec("DELETE FROM users WHERE id = ?", {user->id});
  store::append_audit(tx, env.clock, who,
                      {"user.deleted", user->id, "", "success", {{"username", user->username}}});
  return {};
}

}  // namespace twostep::account
