// The phones table: a user's numbers by slot, inside the caller's transaction. These are
// the building blocks of PhoneService and the few calls other modules need through
// server/: the methods listing, the check before a preferred method is changed, and
// re-registration removing every phone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "phone/types.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::phone {

/// The user's phones, in slot order (mobile, alternate_mobile, office).
std::vector<Phone> list_phones(store::Tx& tx, std::string_view user_id);

std::optional<Phone> find_phone(store::Tx& tx, std::string_view user_id, PhoneType type);

/// Inserts or replaces the number in `phone`'s slot (created_at kept when it existed).
void save_phone(store::Tx& tx, const Phone& phone);

/// Deletes one slot; true when there was a number.
bool delete_phone(store::Tx& tx, std::string_view user_id, PhoneType type);

/// True when the user has the phone that `method` needs to be the preferred method: for
/// "sms" and "voice", the mobile phone (phone_for_preferred_method); true for any method
/// that needs no phone. account/'s PATCH /v1/me/preferences refuses "sms"/"voice" without it.
bool has_phone_for_method(store::Tx& tx, std::string_view user_id, std::string_view method);

/// The sign-in methods the user's phones offer, for pre-auth and the sign-in page: "sms"
/// when a mobile or alternate mobile phone exists, "voice" when any phone exists.
std::vector<std::string> phone_methods(store::Tx& tx, std::string_view user_id);

/// Removes every phone of the user (re-registration) and cancels their pending
/// verifications and sign-in codes, auditing "phone.removed" for each phone. Returns the
/// changes, so that server/ can announce them like any other removal.
std::vector<PhoneChange> remove_all_phones(store::Tx& tx, const core::Clock& clock,
                                           const store::AuditContext& who,
                                           std::string_view user_id);

}  // namespace twostep::phone
