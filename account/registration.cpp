#include "account/registration.hpp"

#include <chrono>

#include "account/settings.hpp"
#include "core/crypto.hpp"

namespace twostep::account {

namespace {
constexpr std::size_t kTokenBytes = 16;  // 128 bits
}  // namespace

std::string registration_url(std::string_view base_url, std::string_view token) {
  return std::string(base_url) + "/register#token=" + std::string(token);
}

RegistrationLink replace_registration_link(store::Tx& tx, const Env& env, std::string_view user_id,
                                           int days) {
  auto now = env.clock.now();
  RegistrationLink link{env.random.token(kTokenBytes), now + std::chrono::days(days)};
  tx.exec(
      "UPDATE users SET registration_token_hash = ?, registration_expires_at = ?, "
      "updated_at = ? WHERE id = ?",
      {core::sha256_hex(link.token), core::unix_seconds(link.expires_at), core::unix_seconds(now),
       std::string(user_id)});
  return link;
}

core::Result<RegistrationLink> reissue_registration_link(store::Tx& tx, const Env& env,
                                                         const store::AuditContext& who,
                                                         std::string_view user_ref) {
  auto user = get_user(tx, user_ref);
  if (!user) return std::unexpected(user.error());
  auto link =
      replace_registration_link(tx, env, user->id, load_settings(tx).registration_link_days);
  store::append_audit(tx, env.clock, who,
                      {"user.registration_link_issued",
                       user->id,
                       "",
                       "success",
                       {{"expires_at", core::to_rfc3339(link.expires_at)},
                        {"replaced_pending_link", user->registration_pending()}}});
  return link;
}

core::Result<User> check_registration_token(store::Tx& tx, const core::Clock& clock,
                                            std::string_view token) {
  std::string hash = core::sha256_hex(token);
  auto row = tx.query_one("SELECT " + std::string(kUserColumns) +
                              ", registration_token_hash FROM users "
                              "WHERE registration_token_hash = ?",
                          {hash});
  if (!row || !core::constant_time_equal(row->text(row->size() - 1), hash)) {
    return core::fail(core::ErrorKind::kNotFound, "registration_not_found",
                      "this registration link is unknown or was already used");
  }
  User user = user_from_row(*row);
  if (!user.registration_expires_at || clock.now() >= *user.registration_expires_at) {
    return core::fail(core::ErrorKind::kGone, "registration_expired",
                      "this registration link has expired; ask your help desk for a new one");
  }
  return user;
}

core::Result<User> consume_registration_token(store::Tx& tx, const Env& env,
                                              const store::AuditContext& who,
                                              std::string_view token) {
  auto user = check_registration_token(tx, env.clock, token);
  if (!user) return user;
  tx.exec(
      "UPDATE users SET registration_token_hash = NULL, registration_expires_at = NULL, "
      "updated_at = ? WHERE id = ?",
      {core::unix_seconds(env.clock.now()), user->id});
  user->registration_expires_at.reset();
  store::append_audit(tx, env.clock, who,
                      {"user.registration_link_used", user->id, "", "success", {}});
  return user;
}

}  // namespace twostep::account
