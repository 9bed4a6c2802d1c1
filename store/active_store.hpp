// Marks the store whose transaction the current thread is running, so a transaction
// nested inside another on the same store fails at once instead of deadlocking on the
// connection or lock the outer one holds. Shared by the backends.
#pragma once

#include "store/store.hpp"

namespace twostep::store {

class ActiveStoreGuard {
 public:
  /// Throws StoreError when this thread is already inside a transaction of `store`.
  explicit ActiveStoreGuard(const Store* store);
  ActiveStoreGuard(const ActiveStoreGuard&) = delete;
  ActiveStoreGuard& operator=(const ActiveStoreGuard&) = delete;
  ~ActiveStoreGuard();

  /// Throws StoreError when this thread is inside a transaction of `store`, without
  /// marking anything (for work that only queues a transaction).
  static void refuse_nested(const Store* store);

 private:
  const Store* previous_;
};

}  // namespace twostep::store
