#include "account/preferences.hpp"

#include <string>

namespace twostep::account {

core::Result<void> set_preferred_method(store::Tx& tx, const core::Clock& clock,
                                        const store::AuditContext& who, std::string_view user_id,
                                        std::string_view method) {
  auto old =
      tx.query_one("SELECT preferred_method FROM users WHERE id = ?", {std::string(user_id)});
  if (!old) return core::fail(core::ErrorKind::kNotFound, "user_not_found", "no such user");
  tx.exec("UPDATE users SET preferred_method = ?, updated_at = ? WHERE id = ?",
          {std::string(method), core::unix_seconds(clock.now()), std::string(user_id)});
  store::append_audit(tx, clock, who,
                      {"user.preferred_method_changed",
                       std::string(user_id),
                       "",
                       "success",
                       {{"old", old->opt_text(0).value_or("")}, {"new", std::string(method)}}});
  return {};
}

}  // namespace twostep::account
