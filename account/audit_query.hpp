// Reading the audit log for admins: filters by user, event type (exact or prefix) and time,
// newest first, paged by cursor. Writing rows is store/audit.hpp's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "account/paging.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace twostep::account {

inline constexpr int kAuditListDefault = 100;
inline constexpr int kAuditListMax = 500;

struct AuditFilter {
  std::string user;  // id or username; an id of a deleted user still matches; "" = all
  std::string type;  // "user.created", or a prefix ending in '*' ("user.*"); "" = all
  std::optional<core::TimePoint> since;  // only rows at or after this time
  int limit = kAuditListDefault;
  std::string cursor;  // next_cursor of the previous page; "" = newest first
};

struct AuditEntry {
  std::int64_t id = 0;
  core::TimePoint time;
  std::string type;
  std::string user_id;   // "" when no user is involved
  std::string username;  // "" when no user is involved or the user is gone
  std::string device_id;
  std::string actor;
  std::string ip;
  std::string result;
  std::string correlation_id;
  boost::json::object detail;
};

/// Matching rows, newest first. Errors: 400 "invalid_type" (not [a-z0-9._-]{1,64} with an
/// optional trailing '*'), "invalid_limit" (1–500), "invalid_cursor".
core::Result<Page<AuditEntry>> query_audit(store::Tx& tx, const AuditFilter& filter);

}  // namespace twostep::account
