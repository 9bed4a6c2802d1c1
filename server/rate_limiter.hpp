// A per-client token bucket for endpoints that anyone can call and that an attacker would
// like to call a lot (POST /v1/activate: guessing activation codes). Keyed by client address
// (IPv6 addresses by their /64, which one subscriber usually holds whole), thread-safe, and
// bounded in memory: when the table is full, buckets that have refilled completely (and so
// are the same as no bucket) are dropped first, then the least recently used ones.
//
// This limiter lives in one process's memory; with several nodes behind a load balancer
// each node limits on its own (the limit per address is then multiplied by the node count).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/error.hpp"

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

  /// Buckets currently held (for tests and metrics).
  std::size_t size() const;

  /// The key a client address is limited under: IPv4 as is, IPv6 by its /64 prefix
  /// (IPv4-mapped IPv6 as the IPv4 address), anything unparsable as is.
  static std::string client_key(std::string_view client_ip);

 private:
  struct Bucket {
    double tokens = 0;
    core::TimePoint updated_at;  // when `tokens` was last brought up to date
  };

  Bucket& bucket_for(const std::string& key, core::TimePoint now);
  void refill(Bucket& bucket, core::TimePoint now) const;
  void make_room(core::TimePoint now);

  const core::Clock& clock_;
  Policy policy_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace twostep::server
