// Admin API for the audit log: GET /v1/audit?user=&type=&since=&limit=&cursor=.
#include "account/audit_query.hpp"
#include "server/handlers/admin_routes.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

core::Result<account::AuditFilter> read_filter(const HttpRequest& request) {
  account::AuditFilter filter;
  filter.user = request.query_param("user");
  filter.type = request.query_param("type");
  if (std::string_view since = request.query_param("since"); !since.empty()) {
    // TimePoint counts nanoseconds in 64 bits, so it ends in 2262; later years are refused
    // here rather than overflowing inside the conversion.
    if (since.substr(0, 4) < "2200") filter.since = core::parse_rfc3339(since);
    if (!filter.since) {
      return core::fail_invalid("since",
                                "since must be an RFC 3339 time such as 2026-01-31T09:00:00Z");
    }
  }
  auto limit = query_int(request, "limit", 1, account::kAuditListMax);
  if (!limit) return std::unexpected(limit.error());
  filter.limit = static_cast<int>(limit->value_or(account::kAuditListDefault));
  auto cursor = query_cursor(request);
  if (!cursor) return std::unexpected(cursor.error());
  filter.cursor = *cursor;
  return filter;
}

Reply get_audit(App& app, HttpRequest& request) {
  auto filter = read_filter(request);
  if (!filter) return std::unexpected(filter.error());
  auto page = app.store->read([&](store::Tx& tx) { return account::query_audit(tx, *filter); });
  if (!page) return std::unexpected(page.error());
  boost::json::array items;
  for (const auto& entry : page->items) items.push_back(audit_entry_json(entry));
  return json_response(200, page_body(std::move(items), page->next_cursor));
}

}  // namespace

void register_admin_audit_routes(Router& router, App& app) {
  router.add("GET", "/v1/audit", Access::kAdmin, bind_app(app, get_audit));
}

}  // namespace twostep::server
