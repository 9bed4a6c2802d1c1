// Two helpers for the push service's transactions: a write that commits even when the
// operation returns an error (for refusals that must leave a record), and the fan-out calls
// collected inside a transaction that may only run once it has committed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "push/fanout.hpp"
#include "store/store.hpp"

namespace twostep::push::detail {

/// Runs `f(tx)` (returning a core::Result) in a write transaction that commits whatever `f`
/// returns; an exception still rolls back.
template <class F>
auto write_committing(store::Store& store, F&& f) -> decltype(f(std::declval<store::Tx&>())) {
  std::optional<decltype(f(std::declval<store::Tx&>()))> out;
  store.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    out.emplace(f(tx));
    return true;
  });
  return std::move(*out);
}

/// Fan-out calls to make after the commit, in the order they were added.
class AfterCommit {
 public:
  void add(std::function<void(PushFanout&)> call) { calls_.push_back(std::move(call)); }
  void run(PushFanout& fanout) {
    for (auto& call : calls_) call(fanout);
    calls_.clear();
  }
  /// A push was decided or expired: cancel it on the user's other devices, wake waiters.
  void push_ended(std::string user_id, std::string txid, std::string answered_by = {}) {
    add([user = std::move(user_id), id = std::move(txid),
         by = std::move(answered_by)](PushFanout& f) {
      f.cancel(user, id, by);
      f.transaction_changed(id);
    });
  }

 private:
  std::vector<std::function<void(PushFanout&)>> calls_;
};

/// Denies every pending push of a user with `reason` (the user was blocked, or lost their
/// last device) and schedules their cancels. Returns the txids.
std::vector<std::string> deny_all_pending(store::Tx& tx, std::string_view user_id,
                                          std::string_view reason, std::int64_t now,
                                          AfterCommit& after);

}  // namespace twostep::push::detail
