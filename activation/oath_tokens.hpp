// Software OATH tokens: a TOTP credential for a third-party authenticator app (Google
// Authenticator, FreeOTP, 1Password). Created pending with an otpauth:// URI to scan; it
// becomes active only when the user proves it with a first valid code; deleting it wipes
// the secret. SHA1 / 6 digits / 30 s, the only parameters every app honours.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "totp/otp.hpp"

namespace twostep::activation {

/// At most this many pending or active tokens per user.
inline constexpr int kMaxOathTokens = 10;

struct OathToken {
  std::string id;
  std::string display_name;
  std::string status;  // pending | active
  totp::Params params;
  core::TimePoint created_at;
  std::optional<core::TimePoint> activated_at;
};

/// A new token: the URI (for the QR) and the base32 secret (for typing) are shown now.
struct NewOathToken {
  OathToken token;
  std::string otpauth_uri;
  std::string secret_base32;
};

/// Creates a pending token for a usable user. The URI's label is ISSUER:USERNAME.
/// Errors: 404 "user_not_found"; 403 "user_disabled"; 423 "user_blocked"; 400
/// "invalid_display_name"; 409 "too_many_oath_tokens". Audits "oath_token.created".
core::Result<NewOathToken> create_oath_token(store::Tx& tx, const core::Clock& clock,
                                             core::Random& random, const core::Sealer& sealer,
                                             const store::AuditContext& who, std::string_view user,
                                             std::string_view display_name,
                                             std::string_view issuer);

/// Proves a pending token with its first code (window as in sign-in); the code's step is
/// stored, so it cannot be used again to sign in. Errors: 404 "oath_token_not_found"
/// (also another user's); 409 "oath_token_active" (already proved); 400 "invalid_code".
/// Audits "oath_token.activated". A wrong code is an error, so the caller's transaction
/// rolls back and nothing is written; it does not count towards lockout (the user is
/// already signed in and holds the secret).
core::Result<OathToken> verify_oath_token(store::Tx& tx, const core::Clock& clock,
                                          const core::Sealer& sealer,
                                          const store::AuditContext& who, std::string_view user_id,
                                          std::string_view token_id, std::string_view code,
                                          int window_steps);

/// Deletes a pending or active token: status 'deleted', secret wiped. 404
/// "oath_token_not_found". Audits "oath_token.deleted".
core::Result<void> delete_oath_token(store::Tx& tx, const core::Clock& clock,
                                     const store::AuditContext& who, std::string_view user_id,
                                     std::string_view token_id);

/// Deletes every token of the user (re-registration); returns how many.
int delete_all_oath_tokens(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                           std::string_view user_id);

/// The user's pending and active tokens, oldest first.
std::vector<OathToken> list_oath_tokens(store::Tx& tx, std::string_view user_id);

/// The otpauth URI of a pending token again (for its QR endpoints). Errors: 404
/// "oath_token_not_found"; 409 "oath_token_active" (an active token's secret is not shown
/// again).
core::Result<std::string> oath_token_uri(store::Tx& tx, const core::Sealer& sealer,
                                         std::string_view user_id, std::string_view token_id,
                                         std::string_view issuer);

}  // namespace twostep::activation
