// Rate limits on sending codes, per user and per number, counted in the phone_code_sends
// table so that every node sees the same counts. They bound what an attacker who knows a
// username (or a signed-in attacker adding numbers) can make the gateway send: the cost of
// SMS pumping, and the flood a victim's phone would get.
#pragma once

#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "phone/types.hpp"
#include "store/store.hpp"

namespace twostep::phone {

/// Records one send to `e164` for `user_id` when both limits allow it; otherwise 429
/// "too_many_codes" with retry_after = the time until the oldest send that counts leaves the
/// window (the longer of the two when both limits are reached), and nothing recorded. Takes
/// the user's row lock first, so that two nodes cannot both pass the user's last free send.
core::Result<void> reserve_send(store::Tx& tx, const core::Clock& clock, const SendLimits& limits,
                                std::string_view user_id, std::string_view e164);

}  // namespace twostep::phone
