// The web sign-in's rules that sit between the account and the methods modules: the
// password step (same answer and similar cost for a wrong password, an unknown, disabled or
// blocked user; failures count toward the user's lockout, shared with every other factor
// through activation/user_guard.hpp), the second-step methods a user can use, and whether a
// user registering a method has added one. Free of Beast; the handlers call it on worker
// threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "account/users.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "server/app.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::server {

/// Checks a sign-in's username and password. The Argon2id verification runs on the calling
/// thread outside any transaction (against a dummy hash when the user is unknown or has no
/// password, so the cost is the same). Errors: 401 "invalid_credentials" for a wrong
/// password, an unknown, disabled or blocked user, and a user without a password — the one
/// answer, so a caller learns nothing about which; 423 "locked_out" (retry_after) only when
/// the password was right but the user is locked out. A wrong password of a known user
/// counts as a failed attempt (factor "password") and may lock them. Every failure is
/// audited "session.password".
core::Result<account::User> check_sign_in_password(App& app, const store::AuditContext& who,
                                                   std::string_view username,
                                                   std::string_view password);

/// The second-step methods the user id can use now, in this order: "push" (an active
/// device), "totp" (an active device or OATH token), "sms" and "voice" (a phone number that
/// can take them), "temporary_access" (an unused, unexpired temporary access code).
std::vector<std::string> sign_in_methods(store::Tx& tx, const core::Clock& clock,
                                         std::string_view user_id);

/// True when the user id has a method (active device, proved OATH token, phone number)
/// added or changed at or after `since`: what ends the "register" stage.
bool has_method_since(store::Tx& tx, std::string_view user_id, core::TimePoint since);

}  // namespace twostep::server
