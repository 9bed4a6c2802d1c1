#include "activation/oath_tokens.hpp"

#include "activation/input.hpp"
#include "activation/totp_credentials.hpp"
#include "activation/user_guard.hpp"
#include "core/encoding.hpp"
#include "totp/otpauth.hpp"
#include "totp/rules.hpp"

namespace twostep::activation {
namespace {

OathToken token_from(const Credential& c) {
  return {c.id, c.display_name, c.status, c.params, c.created_at, c.activated_at};
}

std::unexpected<core::Error> token_not_found() {
  return core::fail(core::ErrorKind::kNotFound, "oath_token_not_found", "no such OATH token");
}

// The user's token with this id that is not deleted.
core::Result<Credential> live_token(store::Tx& tx, std::string_view user_id,
                                    std::string_view token_id) {
  auto c = find_credential(tx, user_id, token_id);
  if (!c || c->kind != CredentialKind::kOath || c->status == "deleted") return token_not_found();
  return std::move(*c);
}

std::unexpected<core::Error> token_active() {
  return core::fail(core::ErrorKind::kConflict, "oath_token_active",
                    "the OATH token is already active");
}

void audit_token(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                 std::string_view type, std::string_view user_id, std::string_view token_id,
                 std::string_view result) {
  store::append_audit(tx, clock, who,
                      {std::string(type),
                       std::string(user_id),
                       "",
                       std::string(result),
                       {{"oath_token_id", std::string(token_id)}}});
}

std::string uri_for(std::string_view issuer, std::string_view username,
                    const core::SecretBytes& secret, const totp::Params& params) {
  return totp::build_otpauth_uri(issuer, username, secret.view(), params);
}

}  // namespace

core::Result<NewOathToken> create_oath_token(store::Tx& tx, const core::Clock& clock,
                                             core::Random& random, const core::Sealer& sealer,
                                             const store::AuditContext& who, std::string_view user,
                                             std::string_view display_name,
                                             std::string_view issuer) {
  auto owner = require_user(tx, user);
  if (!owner) return std::unexpected(owner.error());
  if (auto usable = require_usable(*owner); !usable) return std::unexpected(usable.error());
  if (auto ok = check_label(display_name, "display_name", 100); !ok) {
    return std::unexpected(ok.error());
  }
  if (list_oath_tokens(tx, owner->id).size() >= static_cast<std::size_t>(kMaxOathTokens)) {
    return core::fail(core::ErrorKind::kConflict, "too_many_oath_tokens",
                      "delete an OATH token before adding another");
  }
  const totp::Params params;  // SHA1 / 6 / 30: what every app reads
  CreatedCredential created = insert_credential(
      tx, clock, random, sealer,
      {owner->id, CredentialKind::kOath, std::nullopt, std::string(display_name), false, params});
  audit_token(tx, clock, who, "oath_token.created", owner->id, created.id, "success");
  auto token = find_credential(tx, owner->id, created.id);
  return NewOathToken{token_from(*token), uri_for(issuer, owner->username, created.secret, params),
                      core::base32_encode(created.secret.view())};
}

core::Result<OathToken> verify_oath_token(store::Tx& tx, const core::Clock& clock,
                                          const core::Sealer& sealer,
                                          const store::AuditContext& who, std::string_view user_id,
                                          std::string_view token_id, std::string_view code,
                                          int window_steps) {
  auto token = live_token(tx, user_id, token_id);
  if (!token) return std::unexpected(token.error());
  if (token->status == "active") return token_active();
  auto secret = open_credential_secret(tx, sealer, token->id);
  if (!secret) return std::unexpected(secret.error());
  const std::int64_t now = core::unix_seconds(clock.now());
  const auto step = totp::verify_totp(secret->view(), token->params, code, now, window_steps);
  if (!step || !claim_step(tx, token->id, *step)) {
    return core::fail(core::ErrorKind::kInvalidInput, "invalid_code",
                      "the code does not match this token", "code");
  }
  // Conditional on 'pending': a concurrent verification or deletion wins or loses whole.
  if (tx.exec("UPDATE totp_credentials SET status = 'active', activated_at = ? "
              "WHERE id = ? AND status = 'pending'",
              {now, token->id}) != 1) {
    return token_active();
  }
  audit_token(tx, clock, who, "oath_token.activated", user_id, token_id, "success");
  token->status = "active";
  token->activated_at = core::from_unix_seconds(now);
  token->last_step = *step;
  return token_from(*token);
}

core::Result<void> delete_oath_token(store::Tx& tx, const core::Clock& clock,
                                     const store::AuditContext& who, std::string_view user_id,
                                     std::string_view token_id) {
  auto token = live_token(tx, user_id, token_id);
  if (!token) return std::unexpected(token.error());
  tx.exec(
      "UPDATE totp_credentials SET status = 'deleted', secret_sealed = NULL, deleted_at = ? "
      "WHERE id = ? AND status <> 'deleted'",
      {core::unix_seconds(clock.now()), token->id});
  audit_token(tx, clock, who, "oath_token.deleted", user_id, token_id, "success");
  return {};
}

int delete_all_oath_tokens(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                           std::string_view user_id) {
  int deleted = 0;
  for (const OathToken& token : list_oath_tokens(tx, user_id)) {
    if (delete_oath_token(tx, clock, who, user_id, token.id)) ++deleted;
  }
  return deleted;
}

std::vector<OathToken> list_oath_tokens(store::Tx& tx, std::string_view user_id) {
  std::vector<OathToken> out;
  for (const Credential& c : live_credentials(tx, user_id, CredentialKind::kOath)) {
    out.push_back(token_from(c));
  }
  return out;
}

core::Result<std::string> oath_token_uri(store::Tx& tx, const core::Sealer& sealer,
                                         std::string_view user_id, std::string_view token_id,
                                         std::string_view issuer) {
  auto token = live_token(tx, user_id, token_id);
  if (!token) return std::unexpected(token.error());
  if (token->status == "active") return token_active();
  auto owner = require_user(tx, user_id);
  if (!owner) return std::unexpected(owner.error());
  auto secret = open_credential_secret(tx, sealer, token->id);
  if (!secret) return std::unexpected(secret.error());
  return uri_for(issuer, owner->username, *secret, token->params);
}

}  // namespace twostep::activation
