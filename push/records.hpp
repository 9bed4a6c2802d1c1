// The push_transactions and device_notices rows: reading them into push types, and the
// conditional writes that make each decision happen at most once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "push/types.hpp"
#include "store/store.hpp"

namespace twostep::push::detail {

/// The transaction with this id, and the number it was created with.
struct StoredPush {
  PushTransaction push;
  std::string number;
};
std::optional<StoredPush> find_push(store::Tx& tx, std::string_view txid);

void insert_push(store::Tx& tx, const PushTransaction& push, std::string_view number);

/// pending → `status`, only if still pending (the first decision wins, on any node). True
/// when this call made the change.
bool decide_push(store::Tx& tx, std::string_view txid, PushStatus status, std::string_view reason,
                 std::string_view device_id, std::int64_t now);

/// Pending, unexpired pushes of a user, oldest first.
std::vector<PushTransaction> pending_of_user(store::Tx& tx, std::string_view user_id,
                                             std::int64_t now);

/// Ids of pending pushes (of everyone) whose time is up, oldest first, at most `limit`.
std::vector<std::pair<std::string, std::string>> due_pushes(store::Tx& tx, std::int64_t now,
                                                            std::size_t limit);

/// The fatigue counters of one user at `now`.
struct PushLoad {
  std::int64_t outstanding = 0;                 // pending and unexpired
  std::optional<std::int64_t> first_expiry;     // earliest expiry among them
  std::int64_t last_minute = 0;                 // created in (now - 60, now]
  std::optional<std::int64_t> first_in_minute;  // earliest creation among those
};
PushLoad push_load(store::Tx& tx, std::string_view user_id, std::int64_t now);

void insert_notice(store::Tx& tx, const Notice& notice);
Notice notice_from_row(const store::Row& row);  // columns as in kNoticeColumns
inline constexpr std::string_view kNoticeColumns =
    "event_id, user_id, device_id, event, detail, subject_device_id, created_at";

}  // namespace twostep::push::detail
