#include "server/rate_limiter.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace twostep::server {
namespace {

double seconds_between(core::TimePoint from, core::TimePoint to) {
  if (to <= from) return 0;  // the wall clock stepped back: add nothing rather than a lot
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

RateLimiter::RateLimiter(const core::Clock& clock, Policy policy) : clock_(clock), policy_(policy) {
  policy_.capacity = std::max(policy_.capacity, 1.0);
  policy_.refill_per_second = std::max(policy_.refill_per_second, 1e-6);
  policy_.max_keys = std::max<std::size_t>(policy_.max_keys, 1);
}

std::string RateLimiter::client_key(std::string_view client_ip) {
  const std::string text(client_ip);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  const auto* b = v6.s6_addr;
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket: limit it like one.
  const bool mapped =
      std::all_of(b, b + 10, [](auto x) { return x == 0; }) && b[10] == 0xff && b[11] == 0xff;
  std::array<char, 48> out{};
  if (mapped) {
    std::snprintf(out.data(), out.size(), "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
  } else {
    std::snprintf(out.data(), out.size(), "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7]);
  }
  return out.data();
}

void RateLimiter::refill(Bucket& bucket, core::TimePoint now) const {
  const double added = seconds_between(bucket.updated_at, now) * policy_.refill_per_second;
  bucket.tokens = std::min(policy_.capacity, bucket.tokens + added);
  bucket.updated_at = now;
}

void RateLimiter::make_room(core::TimePoint now) {
  // A bucket that has refilled completely behaves exactly like a missing one.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= policy_.capacity ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < policy_.max_keys) return;
  auto oldest = std::min_element(buckets_.begin(), buckets_.end(), [](auto& a, auto& b) {
    return a.second.updated_at < b.second.updated_at;
  });
  buckets_.erase(oldest);
}

RateLimiter::Bucket& RateLimiter::bucket_for(const std::string& key, core::TimePoint now) {
  auto it = buckets_.find(key);
  if (it != buckets_.end()) {
    refill(it->second, now);
    return it->second;
  }
  if (buckets_.size() >= policy_.max_keys) make_room(now);
  return buckets_.emplace(key, Bucket{policy_.capacity, now}).first->second;
}

core::Result<void> RateLimiter::take(std::string_view client_ip, double cost) {
  const std::string key = client_key(client_ip);
  const core::TimePoint now = clock_.now();
  if (shared_) {
    return with_shared_bucket(key, now, [&](Bucket& bucket) { return spend(bucket, cost); });
  }
  std::lock_guard lock(mutex_);
  return spend(bucket_for(key, now), cost);
}

core::Result<void> RateLimiter::spend(Bucket& bucket, double cost) const {
  if (bucket.tokens >= cost) {
    bucket.tokens -= cost;
    return {};
  }
  const double wait = (cost - bucket.tokens) / policy_.refill_per_second;
  core::Error error{core::ErrorKind::kRateLimited,
                    "too_many_requests",
                    "too many attempts from this address; retry later",
                    {},
                    {}};
  error.retry_after =
      std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait))));
  return std::unexpected(std::move(error));
}

void RateLimiter::charge(std::string_view client_ip, double cost) {
  const std::string key = client_key(client_ip);
  const core::TimePoint now = clock_.now();
  const auto drain = [cost](Bucket& bucket) {
    bucket.tokens = std::max(0.0, bucket.tokens - cost);
    return core::Result<void>{};
  };
  if (shared_) {
    (void)with_shared_bucket(key, now, drain);
    return;
  }
  std::lock_guard lock(mutex_);
  (void)drain(bucket_for(key, now));
}

std::size_t RateLimiter::size() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace twostep::server
