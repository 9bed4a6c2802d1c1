// Users: the people who sign in with two-step verification. Creation (with the first
// registration link), lookup by id or username, status changes (disable, block after a
// fraud report, unblock), role, and deletion. Every change appends its audit row in the
// caller's transaction. Listing and search live in user_list.hpp; registration links in
// registration.hpp; password hashing in passwords.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "account/env.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

enum class UserStatus { kActive, kDisabled, kBlocked };
enum class Role { kUser, kAdmin };

/// "active" | "disabled" | "blocked".
std::string_view to_string(UserStatus status);
std::optional<UserStatus> parse_user_status(std::string_view text);
/// "user" | "admin".
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

/// A user as stored (never the password hash itself).
struct User {
  std::string id;        // "usr_…"
  std::string username;  // as created; unique ignoring ASCII case
  std::string display_name;
  UserStatus status = UserStatus::kActive;
  Role role = Role::kUser;
  bool has_password = false;
  /// Set while a registration link is outstanding (it may have expired).
  std::optional<core::TimePoint> registration_expires_at;
  std::string preferred_method;  // "" when none chosen
  std::int64_t failed_attempts = 0;
  std::optional<core::TimePoint> locked_until;
  core::TimePoint created_at;
  core::TimePoint updated_at;

  bool registration_pending() const { return registration_expires_at.has_value(); }
};

/// A one-time registration link's token (in clear, to hand out once) and its expiry.
struct RegistrationLink {
  std::string token;
  core::TimePoint expires_at;
};

struct NewUser {
  std::string username;
  std::string display_name;
  /// From hash_password(), made before the transaction; nullopt = set at registration.
  std::optional<std::string> password_hash;
  Role role = Role::kUser;
};

struct CreatedUser {
  User user;
  RegistrationLink registration;
};

/// 1–64 characters of A–Z a–z 0–9 . _ @ + -, starting with a letter or digit, and not
/// shaped like a user id ("usr_…"), since `{user}` in a path is either. 400
/// "invalid_username".
core::Result<void> check_username(std::string_view username);
/// 1–128 characters of text without control characters. 400 "invalid_display_name".
core::Result<void> check_display_name(std::string_view display_name);

/// Creates the user with a registration link valid for the `registration_link_days`
/// setting. Errors: "invalid_username", "invalid_display_name", 409 "username_taken".
/// Audits "user.created".
core::Result<CreatedUser> create_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                      const NewUser& input);

/// The user with this id, or else this username (any case).
std::optional<User> find_user(store::Tx& tx, std::string_view user_ref);
/// Like find_user; 404 "user_not_found".
core::Result<User> get_user(store::Tx& tx, std::string_view user_ref);

/// Fields an admin may change; unset fields stay as they are.
struct UserPatch {
  std::optional<std::string> display_name;
  std::optional<UserStatus> status;  // active | disabled; blocked only through block_user
  std::optional<Role> role;
};

/// Applies `patch` to the user `user_ref` (id or username). Errors: 404 "user_not_found",
/// 400 "invalid_display_name", 400 "invalid_status" (for "blocked"), 409 "user_blocked"
/// (activating a blocked user: use unblock_user). Audits "user.updated" with old and new
/// values.
core::Result<User> update_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                               std::string_view user_ref, const UserPatch& patch);

/// Blocks the user (after a fraud report); blocking a blocked user changes nothing. Audits
/// "user.blocked" with `reason`, and revokes every remember token of the user
/// (remember_tokens.hpp, reason "fraud_block"). 404 "user_not_found".
core::Result<User> block_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                              std::string_view user_ref, std::string_view reason);

/// Blocked → active. 409 "user_not_blocked" when the user is not blocked. Audits
/// "user.unblocked".
core::Result<User> unblock_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                std::string_view user_ref);

/// Deletes the user; rows of later modules go with it through ON DELETE CASCADE. Audits
/// "user.deleted" (the audit log keeps the id and username). 404 "user_not_found".
core::Result<void> delete_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                               std::string_view user_ref);

/// Stores a new password hash (from hash_password) for the user id; audits
/// "user.password_changed" and revokes every remember token of the user (reason
/// "password_changed"). 404 "user_not_found".
core::Result<void> set_password_hash(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                     std::string_view user_id, std::string_view encoded_hash);

/// The user's Argon2id encoded hash, nullopt when unknown or no password is set.
std::optional<std::string> password_hash_of(store::Tx& tx, std::string_view user_id);

/// The SELECT list that user_from_row maps, for modules that query users.
inline constexpr std::string_view kUserColumns =
    "id, username, display_name, status, role, "
    "CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END, registration_expires_at, "
    "preferred_method, failed_attempts, locked_until, created_at, updated_at";
User user_from_row(const store::Row& row);

}  // namespace twostep::account
