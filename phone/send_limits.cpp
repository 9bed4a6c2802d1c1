// Per-user and per-number send limits in the store; see send_limits.hpp.
#include "phone/send_limits.hpp"

#include <algorithm>
#include <vector>

#include "phone/user_state.hpp"

namespace twostep::phone {
namespace {

// How long the send log keeps rows: longer than any sensible window.
constexpr std::int64_t kKeepSeconds = 24 * 3600;

// Seconds until the sends in `times` (ascending) drop below `limit` within the window, or 0
// when they already are.
std::int64_t wait_seconds(const std::vector<std::int64_t>& times, int limit, std::int64_t window,
                          std::int64_t now) {
  if (static_cast<std::int64_t>(times.size()) < limit) return 0;
  // Once the (size - limit + 1) oldest sends have left, `limit - 1` remain: one more fits.
  const std::int64_t leaves = times[times.size() - static_cast<std::size_t>(limit)] + window;
  return std::max<std::int64_t>(1, leaves - now);
}

std::vector<std::int64_t> send_times(store::Tx& tx, std::string_view column, std::string_view value,
                                     std::int64_t since) {
  std::vector<std::int64_t> times;
  for (const store::Row& row :
       tx.query("SELECT created_at FROM phone_code_sends WHERE " + std::string(column) +
                    " = ? AND created_at > ? ORDER BY created_at",
                {std::string(value), since})) {
    times.push_back(row.integer(0));
  }
  return times;
}

}  // namespace

core::Result<void> reserve_send(store::Tx& tx, const core::Clock& clock, const SendLimits& limits,
                                std::string_view user_id, std::string_view e164) {
  const std::int64_t now = core::unix_seconds(clock.now());
  const std::int64_t window = std::max<std::int64_t>(1, limits.window.count());
  detail::lock_user_row(tx, user_id);
  tx.exec("DELETE FROM phone_code_sends WHERE created_at < ?", {now - kKeepSeconds});
  const std::int64_t wait = std::max(wait_seconds(send_times(tx, "user_id", user_id, now - window),
                                                  std::max(1, limits.per_user), window, now),
                                     wait_seconds(send_times(tx, "e164", e164, now - window),
                                                  std::max(1, limits.per_number), window, now));
  if (wait > 0) {
    auto error = core::fail(core::ErrorKind::kRateLimited, "too_many_codes",
                            "too many codes were sent; wait before asking for another");
    error.error().retry_after = std::chrono::seconds(wait);
    return error;
  }
  tx.exec("INSERT INTO phone_code_sends (user_id, e164, created_at) VALUES (?, ?, ?)",
          {std::string(user_id), std::string(e164), now});
  return {};
}

}  // namespace twostep::phone
