// Admin tokens: the bearer credentials of the admin API, made by the CLI
// (`twostep admin token create`). The token is shown once; only its SHA-256 is stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "account/credentials.hpp"
#include "account/env.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// An admin token's record (never the token itself): id "adt_…", name, created_at,
/// last_used_at.
using AdminToken = CredentialRecord;

/// A token just made: the record and the token in clear ("tsa_…"), to show once.
struct NewAdminToken {
  AdminToken record;
  std::string token;
};

/// Makes a token named `name` (1–64 characters; 400 "invalid_name") and audits
/// "admin_token.created".
core::Result<NewAdminToken> create_admin_token(store::Tx& tx, const Env& env,
                                               const store::AuditContext& who,
                                               std::string_view name);

/// The token's record when `token` is a valid admin token.
std::optional<AdminToken> find_admin_token(store::Tx& tx, std::string_view token);

/// Checks `token` and records its use (at most once a minute). For the authenticator.
std::optional<AdminToken> authenticate_admin_token(store::Store& store, const core::Clock& clock,
                                                   std::string_view token);

}  // namespace twostep::account
