// Temporary access codes (SPEC.md capability 12, "Lost phone"): the help desk issues a
// one-use code valid for 1–24 hours; the user signs in with their password and the code
// instead of a second factor, and is then sent to register a new method. The code is shown
// once and stored only as SHA-256 hex; issuing a new one ends the user's earlier unused
// codes. Issue and use are audited.
#pragma once

#include <string>
#include <string_view>

#include "account/env.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

inline constexpr int kMinTemporaryAccessHours = 1;
inline constexpr int kMaxTemporaryAccessHours = 24;

/// A new code in clear (to hand out once) and its expiry.
struct IssuedTemporaryAccess {
  /// 16 characters of a 31-letter alphabet (~79 bits) in four groups of four joined by "-".
  std::string code;
  core::TimePoint expires_at;
};

/// Issues a code for the user `user_ref` (id or username), valid `hours`. Errors: 400
/// "invalid_hours" (outside 1–24), 404 "user_not_found". Audits
/// "temporary_access.issued" with the expiry (never the code).
core::Result<IssuedTemporaryAccess> issue_temporary_access(store::Tx& tx, const Env& env,
                                                           const store::AuditContext& who,
                                                           std::string_view user_ref, int hours);

/// Uses a code of the user id: true when `code` (any case; dashes and spaces ignored) is
/// one of their unused, unexpired codes, which is then spent and audited
/// "temporary_access.used". False otherwise, with nothing changed.
bool consume_temporary_access(store::Tx& tx, const core::Clock& clock,
                              const store::AuditContext& who, std::string_view user_id,
                              std::string_view code);

}  // namespace twostep::account
