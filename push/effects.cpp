// Settling many pushes at once; see effects.hpp.
#include "push/effects.hpp"

#include "push/records.hpp"

namespace twostep::push::detail {

std::vector<std::string> deny_all_pending(store::Tx& tx, std::string_view user_id,
                                          std::string_view reason, std::int64_t now,
                                          AfterCommit& after) {
  std::vector<std::string> txids;
  const std::string user(user_id);
  for (const store::Row& row : tx.query(
           "SELECT id FROM push_transactions WHERE user_id = ? AND status = 'pending'", {user})) {
    const std::string& txid = row.text(0);
    if (decide_push(tx, txid, PushStatus::kDenied, reason, "", now)) {
      after.push_ended(user, txid);
      txids.push_back(txid);
    }
  }
  return txids;
}

}  // namespace twostep::push::detail
