// RateLimiter's buckets in the database, for several nodes (see rate_limiter.hpp): one row
// per bucket, read under a row lock, refilled, changed and written back in one transaction.
#include <atomic>
#include <chrono>
#include <cmath>

#include "server/rate_limiter.hpp"

namespace twostep::server {
namespace {

// One call in this many also deletes the rows that have refilled completely.
constexpr std::uint64_t kSweepEvery = 256;

std::int64_t unix_ms(core::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::int64_t milli(double tokens) { return std::llround(tokens * 1000); }

}  // namespace

void RateLimiter::share_through(store::Store& store, std::string name) {
  shared_ = &store;
  shared_name_ = std::move(name);
}

core::Result<void> RateLimiter::with_shared_bucket(
    const std::string& key, core::TimePoint now,
    const std::function<core::Result<void>(Bucket&)>& change) {
  static std::atomic<std::uint64_t> calls{0};
  const std::string row_key = shared_name_ + ":" + key;
  const std::int64_t now_ms = unix_ms(now);
  const bool sweep = calls.fetch_add(1, std::memory_order_relaxed) % kSweepEvery == 0;
  std::optional<core::Result<void>> out;
  shared_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec(
        "INSERT INTO rate_buckets (key, tokens_milli, updated_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO NOTHING",
        {row_key, milli(policy_.capacity), now_ms});
    const bool postgres = tx.dialect() == store::Dialect::kPostgres;
    const auto row = tx.query_one(
        std::string("SELECT tokens_milli, updated_ms FROM rate_buckets WHERE key = ?") +
            (postgres ? " FOR UPDATE" : ""),
        {row_key});
    Bucket bucket{static_cast<double>(row->integer(0)) / 1000,
                  core::TimePoint(std::chrono::milliseconds(row->integer(1)))};
    refill(bucket, now);
    out.emplace(change(bucket));
    tx.exec("UPDATE rate_buckets SET tokens_milli = ?, updated_ms = ? WHERE key = ?",
            {milli(bucket.tokens), now_ms, row_key});
    if (sweep) {
      const auto full_after =
          std::chrono::duration<double>(policy_.capacity / policy_.refill_per_second);
      tx.exec("DELETE FROM rate_buckets WHERE key LIKE ? AND updated_ms < ?",
              {shared_name_ + ":%",
               now_ms - static_cast<std::int64_t>(std::ceil(full_after.count() * 1000))});
    }
    return true;
  });
  return std::move(*out);
}

std::shared_ptr<RateLimiter> make_rate_limiter(const core::Clock& clock, RateLimiter::Policy policy,
                                               store::Store& store, std::string name) {
  auto limiter = std::make_shared<RateLimiter>(clock, policy);
  if (store.dialect() == store::Dialect::kPostgres) limiter->share_through(store, std::move(name));
  return limiter;
}

}  // namespace twostep::server
