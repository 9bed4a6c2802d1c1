// Registration links: the one-time link an admin hands to a new user (or reissues). The
// token has 128 random bits, is stored only as SHA-256 hex with its expiry, and rides in
// the URL fragment ("…/register#token=…") so it never reaches a server or proxy log.
// Issuing a new link kills the old one.
#pragma once

#include <string>
#include <string_view>

#include "account/env.hpp"
#include "account/users.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// "<base_url>/register#token=<token>" (base_url without a trailing slash).
std::string registration_url(std::string_view base_url, std::string_view token);

/// Gives the user id a fresh link valid for `days`, replacing any earlier one. No audit
/// row: the callers (create_user, reissue_registration_link) write theirs.
RegistrationLink replace_registration_link(store::Tx& tx, const Env& env, std::string_view user_id,
                                           int days);

/// A new link for the user `user_ref` (id or username), valid for the
/// `registration_link_days` setting; the old link stops working. 404 "user_not_found".
/// Audits "user.registration_link_issued".
core::Result<RegistrationLink> reissue_registration_link(store::Tx& tx, const Env& env,
                                                         const store::AuditContext& who,
                                                         std::string_view user_ref);

/// The user a link token belongs to. 404 "registration_not_found" (unknown or already
/// used), 410 "registration_expired".
core::Result<User> check_registration_token(store::Tx& tx, const core::Clock& clock,
                                            std::string_view token);

/// Like check_registration_token, then ends the link so it works only once. Audits
/// "user.registration_link_used".
core::Result<User> consume_registration_token(store::Tx& tx, const Env& env,
                                              const store::AuditContext& who,
                                              std::string_view token);

}  // namespace twostep::account
