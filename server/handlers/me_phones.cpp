// Self-service phone numbers (API.md "Self-service": GET /v1/me/phones, PUT and DELETE
// /v1/me/phones/{type}, POST /v1/me/phones/verifications/{verification_id}). The seed's rule
// (verify the preferred method's number first, save an alternate at once) is
// phone::PhoneService's; this file parses, calls it, and announces each committed change
// through both channels of SPEC.md capability 11: a `phone_changed` notice to the user's
// devices and a message to the old (or other) number.
#include "core/log.hpp"
#include "phone/phones.hpp"
#include "push/push_service.hpp"
#include "server/bodies/auth_bodies.hpp"
#include "server/bodies/user_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/phone_routes.hpp"
#include "server/json_io.hpp"
#include "server/phone_wiring.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

core::Result<phone::PhoneType> path_type(const HttpRequest& request) {
  if (auto type = phone::parse_phone_type(request.param("type"))) return *type;
  return core::fail_invalid("type", "type must be one of: mobile, alternate_mobile, office");
}

// Both halves of the security notice for a committed change. The change stands whatever
// happens here: a device notice waits for devices that are offline, and a message that
// could not be delivered was audited by the domain ("phone.notice_sent", failure).
void announce(App& app, const phone::PhoneChange& change, const store::AuditContext& who) {
  app.push->notify(push::NoticeRequest{
      change.user_id, push::NoticeEvent::kPhoneChanged, phone::notice_detail(change), {}, {}});
  if (auto sent = app.phone->send_change_notice(change, who); !sent) {
    core::log(core::LogLevel::kWarn, "phone change notice not delivered",
              {{"user_id", change.user_id},
               {"code", sent.error().code},
               {"correlation_id", who.correlation_id}});
  }
}

Reply saved_reply(App& app, const phone::SavedPhone& saved, const store::AuditContext& who) {
  if (saved.change) announce(app, *saved.change, who);
  return json_response(200, boost::json::object{{"phone", phone::phone_to_json(saved.phone)}});
}

boost::json::object pending_json(const phone::PendingVerification& pending) {
  return {{"verification_id", pending.verification_id},
          {"type", phone::to_string(pending.type)},
          {"method", phone::to_string(pending.channel)},
          {"sent_to", pending.number_masked},
          {"expires_at", core::to_rfc3339(pending.expires_at)}};
}

core::Result<phone::SetPhoneRequest> read_set_request(const HttpRequest& request,
                                                      std::string_view user_id) {
  auto type = path_type(request);
  if (!type) return std::unexpected(type.error());
  auto body = read_phone_number_body(request);
  if (!body) return std::unexpected(body.error());
  return phone::SetPhoneRequest{std::string(user_id), *type, std::move(body->number),
                                body->channel};
}

}  // namespace

boost::json::array phones_json(store::Tx& tx, std::string_view user_id) {
  boost::json::array out;
  for (const auto& phone : phone::list_phones(tx, user_id)) {
    out.push_back(phone::phone_to_json(phone));
  }
  return out;
}

Reply list_phones_for(App& app, std::string_view user_id) {
  auto items = app.store->read([&](store::Tx& tx) { return phones_json(tx, user_id); });
  return json_response(200, page_body(std::move(items), std::nullopt));
}

Reply set_phone_for(App& app, HttpRequest& request, std::string_view user_id) {
  auto set_request = read_set_request(request, user_id);
  if (!set_request) return std::unexpected(set_request.error());
  const store::AuditContext who = audit_context(request);
  auto outcome = app.phone->set_phone(*set_request, load_phone_settings(app), who);
  if (!outcome) return std::unexpected(outcome.error());
  if (const auto* saved = std::get_if<phone::SavedPhone>(&*outcome)) {
    return saved_reply(app, *saved, who);
  }
  return json_response(202, pending_json(std::get<phone::PendingVerification>(*outcome)));
}

Reply confirm_phone_for(App& app, HttpRequest& request, std::string_view user_id) {
  auto code = read_code_body(request);
  if (!code) return std::unexpected(code.error());
  const store::AuditContext who = audit_context(request);
  auto saved = app.phone->confirm_verification(user_id, request.param("verification_id"), *code,
                                               load_phone_settings(app), who);
  if (!saved) return std::unexpected(saved.error());
  return saved_reply(app, *saved, who);
}

Reply remove_phone_for(App& app, HttpRequest& request, std::string_view user_id) {
  auto type = path_type(request);
  if (!type) return std::unexpected(type.error());
  const store::AuditContext who = audit_context(request);
  auto change = app.phone->remove_phone(user_id, *type, who);
  if (!change) return std::unexpected(change.error());
  announce(app, *change, who);
  return HttpResponse{204, "application/json", "", {}};
}

void register_phone_routes(Router& router, App& app) {
  register_auth_phone_routes(router, app);
  // A phone can be the first method of a user who is still registering (the session's
  // "register" stage), like an authenticator; removing one needs a finished sign-in.
  const auto user = [](const HttpRequest& request) -> std::string_view {
    return request.principal.id;
  };
  router.add("GET", "/v1/me/phones", Access::kSessionEnrolling,
             [&app, user](HttpRequest& request) { return list_phones_for(app, user(request)); });
  router.add(
      "PUT", "/v1/me/phones/{type}", Access::kSessionEnrolling,
      [&app, user](HttpRequest& request) { return set_phone_for(app, request, user(request)); });
  router.add("POST", "/v1/me/phones/verifications/{verification_id}", Access::kSessionEnrolling,
             [&app, user](HttpRequest& request) {
               return confirm_phone_for(app, request, user(request));
             });
  router.add(
      "DELETE", "/v1/me/phones/{type}", Access::kSession,
      [&app, user](HttpRequest& request) { return remove_phone_for(app, request, user(request)); });
}

}  // namespace twostep::server
