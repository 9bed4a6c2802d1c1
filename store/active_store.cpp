// The per-thread record of the store in a transaction.
#include "store/active_store.hpp"

namespace twostep::store {
namespace {

thread_local const Store* t_active_store = nullptr;

}  // namespace

ActiveStoreGuard::ActiveStoreGuard(const Store* store) : previous_(t_active_store) {
  refuse_nested(store);
  t_active_store = store;
}

void ActiveStoreGuard::refuse_nested(const Store* store) {
  if (t_active_store == store) throw StoreError("nested transaction on the same store");
}

ActiveStoreGuard::~ActiveStoreGuard() { t_active_store = previous_; }

}  // namespace twostep::store
