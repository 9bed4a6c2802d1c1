// Admin API for users: create (with the registration link), list and search, read, change,
// delete, unblock, and reissue the registration link. Thin adapters over account/.
#include "account/passwords.hpp"
#include "account/registration.hpp"
#include "account/user_list.hpp"
#include "account/users.hpp"
#include "server/bodies/admin_bodies.hpp"
#include "server/handlers/admin_routes.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

std::optional<account::Role> role_of(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return account::parse_role(*text);
}

// Reads and checks the whole body, and hashes the password, before any transaction: a bad
// request never touches the store, and the slow hash never holds the write lock.
core::Result<account::NewUser> read_new_user(const HttpRequest& request, core::Random& random) {
  auto body = read_new_user_body(request);
  if (!body) return std::unexpected(body.error());
  if (auto ok = account::check_username(body->username); !ok) return std::unexpected(ok.error());
  if (auto ok = account::check_display_name(body->display_name); !ok) {
    return std::unexpected(ok.error());
  }
  account::NewUser user{body->username, body->display_name, std::nullopt,
                        role_of(body->role).value_or(account::Role::kUser)};
  if (body->password) {
    if (auto ok = account::check_password_policy(*body->password); !ok) {
      return std::unexpected(ok.error());
    }
    user.password_hash = account::hash_password(*body->password, random);
  }
  return user;
}

core::Result<account::UserPatch> read_patch(const HttpRequest& request) {
  auto body = read_user_patch_body(request);
  if (!body) return std::unexpected(body.error());
  account::UserPatch patch{std::move(body->display_name), std::nullopt, role_of(body->role)};
  if (body->status) patch.status = account::parse_user_status(*body->status);
  return patch;
}

Reply user_reply(unsigned status, const core::Result<account::User>& user) {
  if (!user) return std::unexpected(user.error());
  return json_response(status, user_json(*user));
}

Reply create_user(App& app, HttpRequest& request) {
  auto input = read_new_user(request, app.random);
  if (!input) return std::unexpected(input.error());
  auto created = app.store->write([&](store::Tx& tx) {
    return account::create_user(tx, account_env(app), audit_context(request), *input);
  });
  if (!created) return std::unexpected(created.error());
  boost::json::object body = user_json(created->user);
  body["registration_url"] =
      account::registration_url(app.config.base_url(), created->registration.token);
  body["registration_expires_at"] = core::to_rfc3339(created->registration.expires_at);
  return json_response(201, body);
}

Reply list_users(App& app, HttpRequest& request) {
  auto limit = query_limit(request);
  if (!limit) return std::unexpected(limit.error());
  auto cursor = query_cursor(request);
  if (!cursor) return std::unexpected(cursor.error());
  account::UserQuery query{std::string(request.query_param("q")), static_cast<int>(*limit),
                           *cursor};
  auto page = app.store->read([&](store::Tx& tx) { return account::list_users(tx, query); });
  if (!page) return std::unexpected(page.error());
  boost::json::array items;
  for (const auto& user : page->items) items.push_back(user_json(user));
  return json_response(200, page_body(std::move(items), page->next_cursor));
}

Reply get_user(App& app, HttpRequest& request) {
  return user_reply(200, app.store->read([&](store::Tx& tx) {
    return account::get_user(tx, request.param("user"));
  }));
}

Reply patch_user(App& app, HttpRequest& request) {
  auto patch = read_patch(request);
  if (!patch) return std::unexpected(patch.error());
  return user_reply(200, app.store->write([&](store::Tx& tx) {
    return account::update_user(tx, account_env(app), audit_context(request), request.param("user"),
                                *patch);
  }));
}

Reply delete_user(App& app, HttpRequest& request) {
  auto done = app.store->write([&](store::Tx& tx) {
    return account::delete_user(tx, account_env(app), audit_context(request),
                                request.param("user"));
  });
  if (!done) return std::unexpected(done.error());
  return HttpResponse{204, "application/json", "", {}};
}

Reply unblock_user(App& app, HttpRequest& request) {
  return user_reply(200, app.store->write([&](store::Tx& tx) {
    return account::unblock_user(tx, account_env(app), audit_context(request),
                                 request.param("user"));
  }));
}

Reply reissue_link(App& app, HttpRequest& request) {
  auto link = app.store->write([&](store::Tx& tx) {
    return account::reissue_registration_link(tx, account_env(app), audit_context(request),
                                              request.param("user"));
  });
  if (!link) return std::unexpected(link.error());
  return json_response(
      200, boost::json::object{
               {"registration_url", account::registration_url(app.config.base_url(), link->token)},
               {"registration_expires_at", core::to_rfc3339(link->expires_at)}});
}

}  // namespace

void register_admin_users_routes(Router& router, App& app) {
  auto bind = [&app](AppHandler fn) { return bind_app(app, fn); };
  router.add("POST", "/v1/users", Access::kAdmin, bind(create_user));
  router.add("GET", "/v1/users", Access::kAdmin, bind(list_users));
  router.add("GET", "/v1/users/{user}", Access::kAdmin, bind(get_user));
  router.add("PATCH", "/v1/users/{user}", Access::kAdmin, bind(patch_user));
  router.add("DELETE", "/v1/users/{user}", Access::kAdmin, bind(delete_user));
  router.add("POST", "/v1/users/{user}/unblock", Access::kAdmin, bind(unblock_user));
  router.add("POST", "/v1/users/{user}/registration-link", Access::kAdmin, bind(reissue_link));
}

}  // namespace twostep::server
