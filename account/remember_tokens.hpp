// Remembered browsers ("Don't ask again for X days"): after a successful second step with
// `remember: true`, the user gets a token (128+ random bits, stored only as SHA-256 hex,
// bound to the user, expiry enforced here) that lets a later sign-in skip the second step.
// The web sign-in keeps it in a cookie; applications get it as `remember_token` and pass
// it to pre-auth. Revocation ("Restore multi-factor authentication on previously trusted
// devices", admin revoke, password change, re-registration, fraud block) deletes every
// token of the user at once; remember_days = 0 makes every token invalid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "account/env.hpp"
#include "core/clock.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// A new token, in clear (to hand out once), and its expiry.
struct IssuedRememberToken {
  std::string token;
  core::TimePoint expires_at;
};

/// Where a token was issued: the web sign-in or an application (by application id).
struct RememberOrigin {
  std::string kind;            // "web" | "application"
  std::string application_id;  // "" for the web
};

/// Issues a token for the user id valid `remember_days` days; nullopt when remember_days
/// is 0 (the organisation turned the feature off). Audits "trusted_browser.added".
std::optional<IssuedRememberToken> issue_remember_token(store::Tx& tx, const Env& env,
                                                        const store::AuditContext& who,
                                                        std::string_view user_id, int remember_days,
                                                        const RememberOrigin& origin);

/// True when `token` is a live token of the user id: known, not expired, and issued no
/// longer ago than the current `remember_days` (so lowering the setting shortens every
/// token, and 0 disables them all). A token of another user is false.
bool remember_token_valid(store::Tx& tx, const core::Clock& clock, std::string_view user_id,
                          std::string_view token, int remember_days);

/// Records that `token` was just used (last_used_at), at most once an hour per token so
/// that a check stays a read in the common case. Needs a write transaction.
void record_remember_token_use(store::Tx& tx, const core::Clock& clock, std::string_view token);

/// Deletes every token of the user id; returns how many. Audits "trusted_browsers.revoked"
/// with `reason` (e.g. "user_request", "admin_request", "password_changed",
/// "reregistration", "fraud_block") when `who` is given.
std::int64_t revoke_remember_tokens(store::Tx& tx, const core::Clock& clock,
                                    const store::AuditContext& who, std::string_view user_id,
                                    std::string_view reason);

/// How many live tokens the user id has (for `trusted_browsers: {count}`).
std::int64_t count_remember_tokens(store::Tx& tx, const core::Clock& clock,
                                   std::string_view user_id, int remember_days);

}  // namespace twostep::account
