// A per-client token bucket for endpoints that anyone can call and that an attacker would
// like to call a lot (POST /v1/activate: guessing activation codes). Keyed by client address
// (IPv6 addresses by their /64, which one subscriber usually holds whole), thread-safe, and
// bounded in memory: when the table is full, buckets that have refilled completely (and so
// are the same as no bucket) are dropped first, then the least recently used ones.
//
// By default the buckets live in this process's memory. Several nodes on one PostgreSQL
// database share them instead (share_through(), make_rate_limiter()): each bucket is then a
// row of rate_buckets, updated under a row lock, so the limit per address holds across the
// cluster (at the cost of one small write transaction per check).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace twostep::server {

class RateLimiter {
 public:
  struct Policy {
    double capacity = 10;                  // the burst: tokens a new client starts with
    double refill_per_second = 10.0 / 60;  // tokens added back per second, up to capacity
    std::size_t max_keys = 10000;          // clients remembered at once
  };

  /// `clock` must outlive the limiter.
  RateLimiter(const core::Clock& clock, Policy policy);

  /// Takes `cost` tokens from the client's bucket when it holds that many. Otherwise 429
  /// "too_many_requests" with retry_after = the whole seconds until it will (at least 1).
  core::Result<void> take(std::string_view client_ip, double cost = 1);

  /// Takes up to `cost` more tokens without refusing (the bucket stops at empty): for a
  /// request that turned out to be a failed attempt and should cost more than a success.
  void charge(std::string_view client_ip, double cost);

  /// Buckets currently held in memory (for tests and metrics; 0 when shared).
  std::size_t size() const;

  /// From now on keeps the buckets in `store`'s rate_buckets table under `name`, shared by
  /// every limiter (on any node) with the same name and policy. Call before first use;
  /// `store` must outlive the limiter. Store failures throw store::StoreError from take()
  /// and charge().
  void share_through(store::Store& store, std::string name);

  /// The key a client address is limited under: IPv4 as is, IPv6 by its /64 prefix
  /// (IPv4-mapped IPv6 as the IPv4 address), anything unparsable as is.
  static std::string client_key(std::string_view client_ip);

 private:
  struct Bucket {
    double tokens = 0;
    core::TimePoint updated_at;  // when `tokens` was last brought up to date
  };

  Bucket& bucket_for(const std::string& key, core::TimePoint now);
  // Spends `cost` tokens, or explains when they will be there.
  core::Result<void> spend(Bucket& bucket, double cost) const;
  // Runs `change` on the shared bucket of `key`, refilled to `now`, in one transaction
  // (server/shared_rate_buckets.cpp).
  core::Result<void> with_shared_bucket(const std::string& key, core::TimePoint now,
                                        const std::function<core::Result<void>(Bucket&)>& change);
  void refill(Bucket& bucket, core::TimePoint now) const;
  void make_room(core::TimePoint now);

  const core::Clock& clock_;
  Policy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  store::Store* shared_ = nullptr;
  std::string shared_name_;
};

/// A limiter for `name`: shared through `store` when it is PostgreSQL (the database of a
/// possible cluster), in memory on SQLite (one node).
std::shared_ptr<RateLimiter> make_rate_limiter(const core::Clock& clock, RateLimiter::Policy policy,
                                               store::Store& store, std::string name);

}  // namespace twostep::server
