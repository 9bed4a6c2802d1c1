// The per-thread record of the store in a transaction.
#include "store/active_store.hpp"

namespace twostep::store {
namespace {

thread_local const Store* t_active_store = nullptr;

}  // namespace

ActiveStoreGuard::ActiveStoreGuard(const Store* store) : previous_(t_active_store) {
  if (t_active_store == store) throw StoreError("nested transaction on the same store");
  t_active_store = store;
}

ActiveStoreGuard::~ActiveStoreGuard() { t_active_store = previous_; }

}  // namespace twostep::store
