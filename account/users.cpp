#include "account/users.hpp"

#include <array>
#include <cctype>

#include "account/registration.hpp"
#include "account/remember_tokens.hpp"
#include "account/settings.hpp"
#include "account/text.hpp"
#include "core/ids.hpp"

namespace twostep::account {

namespace {

constexpr std::array kStatusNames{"active", "disabled", "blocked"};
constexpr std::array kRoleNames{"user", "admin"};

template <class Enum, std::size_t N>
std::optional<Enum> parse_enum(const std::array<const char*, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

bool username_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '@' ||
         c == '+' || c == '-';
}

core::Error not_found() {
  return {core::ErrorKind::kNotFound, "user_not_found", "no user has this id or username", "", {}};
}

std::int64_t now_unix(const Env& env) { return core::unix_seconds(env.clock.now()); }

}  // namespace

std::string_view to_string(UserStatus status) { return kStatusNames[static_cast<int>(status)]; }
std::optional<UserStatus> parse_user_status(std::string_view text) {
  return parse_enum<UserStatus>(kStatusNames, text);
}
std::string_view to_string(Role role) { return kRoleNames[static_cast<int>(role)]; }
std::optional<Role> parse_role(std::string_view text) { return parse_enum<Role>(kRoleNames, text); }

core::Result<void> check_username(std::string_view username) {
  bool ok = !username.empty() && username.size() <= 64 &&
            std::isalnum(static_cast<unsigned char>(username.front())) &&
            !lower_ascii(username).starts_with("usr_");
  for (char c : username) ok = ok && username_char(c);
  if (!ok) {
    return core::fail_invalid("username",
                              "username must be 1 to 64 characters of A-Z a-z 0-9 . _ @ + -, "
                              "start with a letter or digit, and not start with \"usr_\"");
  }
  return {};
}

core::Result<void> check_display_name(std::string_view display_name) {
  return check_name(display_name, "display_name", 1, 128);
}

User user_from_row(const store::Row& row) {
  User u;
  u.id = row.text(0);
  u.username = row.text(1);
  u.display_name = row.text(2);
  u.status = parse_user_status(row.text(3)).value_or(UserStatus::kDisabled);
  u.role = parse_role(row.text(4)).value_or(Role::kUser);
  u.has_password = row.boolean(5);
  if (auto t = row.opt_integer(6)) u.registration_expires_at = core::from_unix_seconds(*t);
  u.preferred_method = row.opt_text(7).value_or("");
  u.failed_attempts = row.integer(8);
  if (auto t = row.opt_integer(9)) u.locked_until = core::from_unix_seconds(*t);
  u.created_at = core::from_unix_seconds(row.integer(10));
  u.updated_at = core::from_unix_seconds(row.integer(11));
  return u;
}

core::Result<CreatedUser> create_user(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                      const NewUser& input) {
  if (auto ok = check_username(input.username); !ok) return std::unexpected(ok.error());
  if (auto ok = check_display_name(input.display_name); !ok) return std::unexpected(ok.error());
  std::string id = core::new_id("usr", env.random);
  std::int64_t now = now_unix(env);
  store::Value hash = nullptr;
  if (input.password_hash) hash = *input.password_hash;
  // ON CONFLICT keeps "already taken" an answer rather than a constraint error, also when
  // two nodes create the same name at once.
  auto inserted = tx.exec(
      "INSERT INTO users (id, username, username_key, display_name, status, role, "
      "password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?) "
      "ON CONFLICT (username_key) DO NOTHING",
      {id, input.username, lower_ascii(input.username), input.display_name,
       std::string(to_string(input.role)), hash, now, now});
  if (inserted == 0) {
    return core::fail(core::ErrorKind::kConflict, "username_taken",
                      "a user with this username already exists", "username");
  }
  auto link = replace_registration_link(tx, env, id, load_settings(tx).registration_link_days);
  store::append_audit(tx, env.clock, who,
                      {"user.created",
                       id,
                       "",
                       "success",
                       {{"username", input.username},
                        {"display_name", input.display_name},
                        {"role", to_string(input.role)},
                        {"password_set", input.password_hash.has_value()},
                        {"registration_expires_at", core::to_rfc3339(link.expires_at)}}});
  return CreatedUser{*find_user(tx, id), std::move(link)};
}

std::optional<User> find_user(store::Tx& tx, std::string_view user_ref) {
  std::string sql = "SELECT " + std::string(kUserColumns) + " FROM users WHERE ";
  auto row = tx.query_one(sql + "id = ?", {std::string(user_ref)});
  if (!row) row = tx.query_one(sql + "username_key = ?", {lower_ascii(user_ref)});
  if (!row) return std::nullopt;
  return user_from_row(*row);
}

core::Result<User> get_user(store::Tx& tx, std::string_view user_ref) {
  auto user = find_user(tx, user_ref);
  if (!user) return std::unexpected(not_found());
  return std::move(*user);
}

core::Result<void> set_password_hash(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                     std::string_view user_id, std::string_view encoded_hash) {
  auto changed = tx.exec("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                         {std::string(encoded_hash), now_unix(env), std::string(user_id)});
  if (changed == 0) return std::unexpected(not_found());
  store::append_audit(tx, env.clock, who,
                      {"user.password_changed", std::string(user_id), "", "success", {}});
  // A browser trusted under the old password must not outlive it.
  revoke_remember_tokens(tx, env.clock, who, user_id, "password_changed");
  return {};
}

std::optional<std::string> password_hash_of(store::Tx& tx, std::string_view user_id) {
  auto row = tx.query_one("SELECT password_hash FROM users WHERE id = ?", {std::string(user_id)});
  if (!row) return std::nullopt;
  return row->opt_text(0);
}

}  // namespace twostep::account
