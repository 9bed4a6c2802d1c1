// TOTP sign-in for a user (the application's POST /v1/auth/totp and the web's verify step):
// checks the code against each of the user's usable credentials — activated devices and
// active OATH tokens — with the window, the replay rule and the lockout rule. The accepted
// step and the lockout counters are written in the same transaction, which must commit
// before the verdict is reported (so an accepted code survives `kill -9` and is never
// accepted twice).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "totp/rules.hpp"

namespace twostep::activation {

/// Organisation settings that shape verification.
struct TotpPolicy {
  int window_steps = 1;  // totp_window_steps, 0..10
  totp::LockoutPolicy lockout;
};

/// The outcome. Denials are results, not errors: they must be committed (failure counts).
struct TotpVerdict {
  bool approved = false;
  /// "" when approved; otherwise invalid_code | replayed_code | locked_out | user_blocked |
  /// user_disabled. An unknown user gets invalid_code, like a wrong code.
  std::string reason;
  std::string user_id;                   // "" for an unknown user
  std::string credential_id;             // the credential that matched, if any
  std::optional<std::string> device_id;  // for a device's credential
  std::chrono::seconds retry_after{0};   // for locked_out: until the lock ends
};

/// Verifies in `tx` (a write transaction the caller commits even on denial). Audits
/// "totp.verify" with the result, "user.locked_out" when this failure locks the user, and
/// "totp.secret_invalid" for a sealed secret that does not open (that credential fails
/// closed; the others are still tried).
TotpVerdict verify_user_totp(store::Tx& tx, const core::Clock& clock, const core::Sealer& sealer,
                             const store::AuditContext& who, std::string_view id_or_username,
                             std::string_view code, const TotpPolicy& policy);

/// The same in its own write transaction, committed when this returns.
TotpVerdict verify_user_totp(store::Store& store, const core::Clock& clock,
                             const core::Sealer& sealer, const store::AuditContext& who,
                             std::string_view id_or_username, std::string_view code,
                             const TotpPolicy& policy);

}  // namespace twostep::activation
