#include "server/handlers/admin_support.hpp"

namespace twostep::server {
namespace {

void put_time(boost::json::object& out, std::string_view key,
              const std::optional<core::TimePoint>& t) {
  if (t) {
    out[key] = core::to_rfc3339(*t);
  } else {
    out[key] = nullptr;
  }
}

void put_if(boost::json::object& out, std::string_view key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

}  // namespace

store::AuditContext audit_context(const HttpRequest& request) {
  const Principal& p = request.principal;
  std::string actor;
  switch (p.kind) {
    case Principal::Kind::kAdmin:
      actor = "admin:" + p.name;
      break;
    case Principal::Kind::kUser:
      actor = "user:" + p.name;
      break;
    case Principal::Kind::kApplication:
      actor = "app:" + p.name;
      break;
    case Principal::Kind::kNone:
      actor = "anonymous";
      break;
  }
  return {std::move(actor), request.client_ip, request.correlation_id};
}

boost::json::object user_json(const account::User& user) {
  boost::json::object registration{{"pending", user.registration_pending()}};
  if (user.registration_expires_at) {
    registration["expires_at"] = core::to_rfc3339(*user.registration_expires_at);
  }
  boost::json::object out{{"id", user.id},
                          {"username", user.username},
                          {"display_name", user.display_name},
                          {"status", account::to_string(user.status)},
                          {"role", account::to_string(user.role)},
                          {"created_at", core::to_rfc3339(user.created_at)},
                          {"updated_at", core::to_rfc3339(user.updated_at)},
                          {"password_set", user.has_password},
                          {"registration", std::move(registration)}};
  if (user.locked_until) out["locked_until"] = core::to_rfc3339(*user.locked_until);
  return out;
}

boost::json::object application_json(const account::Application& application) {
  boost::json::object out{{"id", application.id},
                          {"name", application.name},
                          {"created_at", core::to_rfc3339(application.created_at)}};
  put_time(out, "last_used_at", application.last_used_at);
  return out;
}

boost::json::object audit_entry_json(const account::AuditEntry& entry) {
  boost::json::object out{{"id", std::to_string(entry.id)},
                          {"time", core::to_rfc3339(entry.time)},
                          {"type", entry.type}};
  if (entry.user_id.empty()) {
    out["user"] = nullptr;
  } else {
    out["user"] = entry.user_id;
  }
  put_if(out, "username", entry.username);
  put_if(out, "device_id", entry.device_id);
  out["actor"] = entry.actor;
  put_if(out, "ip", entry.ip);
  out["result"] = entry.result;
  out["correlation_id"] = entry.correlation_id;
  out["detail"] = entry.detail;
  return out;
}

}  // namespace twostep::server
