// Audit rows are written through the caller's transaction so they commit with the change.
#include "store/audit.hpp"

#include <boost/json/serialize.hpp>

namespace twostep::store {
namespace {

Value null_if_empty(const std::string& s) {
  if (s.empty()) return nullptr;
  return s;
}

}  // namespace

void append_audit(Tx& tx, const core::Clock& clock, const AuditContext& ctx,
                  const AuditEvent& event) {
  tx.exec(
      "INSERT INTO audit_log (time, type, user_id, device_id, actor, ip, result, correlation_id, "
      "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {core::unix_seconds(clock.now()), event.type, null_if_empty(event.user_id),
       null_if_empty(event.device_id), ctx.actor, ctx.ip, event.result, ctx.correlation_id,
       boost::json::serialize(event.detail)});
}

}  // namespace twostep::store
