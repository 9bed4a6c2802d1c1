// A user's own preferences on the Security info page: today the preferred sign-in method
// (the one the sign-in page offers first). Which methods the user can choose is the
// caller's check (it knows every method family); this module stores the choice.
#pragma once

#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// Stores "push" | "totp" | "sms" | "voice" as the user id's preferred method. Audits
/// "user.preferred_method_changed" with the old and new value. 404 "user_not_found".
core::Result<void> set_preferred_method(store::Tx& tx, const core::Clock& clock,
                                        const store::AuditContext& who, std::string_view user_id,
                                        std::string_view method);

}  // namespace twostep::account
