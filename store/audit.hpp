// The audit log's writer. Every module appends its events inside the same transaction as
// the change they record, so a change and its audit row commit or vanish together.
// Reading and filtering the log is account/audit_query.hpp's job.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace twostep::store {

/// Who asked for a change, from where, under which request.
struct AuditContext {
  std::string actor;           // "admin:NAME", "user:USERNAME", "app:NAME", "device:ID", "system"
  std::string ip;              // caller's address, "" for CLI and background jobs
  std::string correlation_id;  // the request's X-Correlation-ID
};

struct AuditEvent {
  std::string type;            // dotted, e.g. "user.created", "device.deactivated", "totp.verify"
  std::string user_id;         // "" when no user is involved
  std::string device_id;       // "" when no device is involved
  std::string result;          // "success", "failure", "denied", …
  boost::json::object detail;  // never a secret
};

/// Appends one row to the audit log in `tx`.
void append_audit(Tx& tx, const core::Clock& clock, const AuditContext& ctx,
                  const AuditEvent& event);

}  // namespace twostep::store
