// One-shot waiters keyed by transaction id; see waiters.hpp for the protocol.
#include "push/waiters.hpp"

#include <utility>
#include <vector>

namespace twostep::push {

TransactionWaiters::WaiterId TransactionWaiters::wait(std::string txid, Callback on_change) {
  std::lock_guard lock(mutex_);
  const WaiterId id = next_id_++;
  by_txid_.emplace(txid, id);
  by_id_.emplace(id, Waiter{std::move(txid), std::move(on_change)});
  return id;
}

bool TransactionWaiters::cancel(WaiterId id) {
  std::lock_guard lock(mutex_);
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    return false;
  }
  auto [first, last] = by_txid_.equal_range(it->second.txid);
  for (auto t = first; t != last; ++t) {
    if (t->second == id) {
      by_txid_.erase(t);
      break;
    }
  }
  by_id_.erase(it);
  return true;
}

std::size_t TransactionWaiters::notify(std::string_view txid) {
  std::vector<Callback> ready;
  {
    std::lock_guard lock(mutex_);
    auto [first, last] = by_txid_.equal_range(std::string(txid));
    for (auto t = first; t != last; ++t) {
      auto w = by_id_.find(t->second);
      ready.push_back(std::move(w->second.on_change));
      by_id_.erase(w);
    }
    by_txid_.erase(first, last);
  }
  // Outside the lock: a callback may register a new waiter or cancel another.
  for (auto& callback : ready) {
    callback();
  }
  return ready.size();
}

std::vector<std::string> TransactionWaiters::waiting_txids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (auto it = by_txid_.begin(); it != by_txid_.end();
       it = by_txid_.equal_range(it->first).second) {
    out.push_back(it->first);
  }
  return out;
}

std::size_t TransactionWaiters::size() const {
  std::lock_guard lock(mutex_);
  return by_id_.size();
}

}  // namespace twostep::push
