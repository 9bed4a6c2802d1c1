// The one-time hand-out of an approved push's remember token; see push_service.hpp.
#include "push/push_service.hpp"

namespace twostep::push {

bool claim_remember_token(store::Tx& tx, const core::Clock& clock, std::string_view txid) {
  // Conditional, so that concurrent reads of the same approved push (two long polls, two
  // nodes) claim it once.
  return tx.exec(
             "UPDATE push_transactions SET remember_issued_at = ? WHERE id = ? AND "
             "status = 'approved' AND remember = 1 AND remember_issued_at IS NULL",
             {core::unix_seconds(clock.now()), std::string(txid)}) > 0;
}

}  // namespace twostep::push
