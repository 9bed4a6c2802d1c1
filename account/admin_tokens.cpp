#include "account/admin_tokens.hpp"

#include "account/text.hpp"
#include "core/ids.hpp"

namespace twostep::account {

core::Result<NewAdminToken> create_admin_token(store::Tx& tx, const Env& env,
                                               const store::AuditContext& who,
                                               std::string_view name) {
  if (auto ok = check_name(name, "name", 1, 64); !ok) return std::unexpected(ok.error());
  NewAdminToken out{{core::new_id("adt", env.random), std::string(name), env.clock.now(), {}},
                    new_bearer_secret(env.random, CredentialKind::kAdminToken)};
  insert_credential(tx, CredentialKind::kAdminToken, out.record, out.token);
  store::append_audit(tx, env.clock, who,
                      {"admin_token.created",
                       "",
                       "",
                       "success",
                       {{"token_id", out.record.id}, {"name", out.record.name}}});
  return out;
}

std::optional<AdminToken> find_admin_token(store::Tx& tx, std::string_view token) {
  return lookup_credential(tx, CredentialKind::kAdminToken, token);
}

std::optional<AdminToken> authenticate_admin_token(store::Store& store, const core::Clock& clock,
                                                   std::string_view token) {
  return authenticate_credential(store, clock, CredentialKind::kAdminToken, token);
}

}  // namespace twostep::account
