#include "account/applications.hpp"

#include <charconv>
#include <limits>

#include "account/text.hpp"
#include "core/ids.hpp"

namespace twostep::account {

namespace {

constexpr const char* kColumns = "SELECT id, name, created_at, last_used_at FROM applications ";

core::Error not_found() {
  return {
      core::ErrorKind::kNotFound, "application_not_found", "no application has this id", "", {}};
}

// The list is ordered by (created_at, id); the cursor carries both as "SECONDS:ID".
std::string cursor_key(const Application& app) {
  return std::to_string(core::unix_seconds(app.created_at)) + ":" + app.id;
}

std::optional<std::pair<std::int64_t, std::string>> split_key(std::string_view key) {
  auto colon = key.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(key.data(), key.data() + colon, seconds);
  if (ec != std::errc() || ptr != key.data() + colon) return std::nullopt;
  return std::pair{seconds, std::string(key.substr(colon + 1))};
}

}  // namespace

core::Result<NewApplication> create_application(store::Tx& tx, const Env& env,
                                                const store::AuditContext& who,
                                                std::string_view name) {
  if (auto ok = check_name(name, "name", 1, 64); !ok) return std::unexpected(ok.error());
  NewApplication out{{core::new_id("app", env.random), std::string(name), env.clock.now(), {}},
                     new_bearer_secret(env.random, CredentialKind::kApplicationKey)};
  insert_credential(tx, CredentialKind::kApplicationKey, out.record, out.api_key);
  store::append_audit(tx, env.clock, who,
                      {"application.created",
                       "",
                       "",
                       "success",
                       {{"application_id", out.record.id}, {"name", out.record.name}}});
  return out;
}

core::Result<Page<Application>> list_applications(store::Tx& tx, int limit,
                                                  std::string_view cursor) {
  auto checked = check_limit(limit, kApplicationListMax);
  if (!checked) return std::unexpected(checked.error());
  auto key = decode_cursor(cursor);
  if (!key) return std::unexpected(key.error());
  std::pair<std::int64_t, std::string> after{std::numeric_limits<std::int64_t>::min(), ""};
  if (!key->empty()) {
    auto parsed = split_key(*key);
    if (!parsed) {
      return core::fail(core::ErrorKind::kInvalidInput, "invalid_cursor",
                        "cursor is not one returned by this list", "cursor");
    }
    after = *parsed;
  }
  auto rows = tx.query(std::string(kColumns) +
                           "WHERE created_at > ? OR (created_at = ? AND id > ?) "
                           "ORDER BY created_at, id LIMIT ?",
                       {after.first, after.first, after.second, std::int64_t{limit} + 1});
  Page<Application> page;
  for (const auto& row : rows) {
    if (page.items.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = encode_cursor(cursor_key(page.items.back()));
      break;
    }
    page.items.push_back(credential_from_row(row));
  }
  return page;
}

core::Result<Application> get_application(store::Tx& tx, std::string_view id) {
  auto row = tx.query_one(std::string(kColumns) + "WHERE id = ?", {std::string(id)});
  if (!row) return std::unexpected(not_found());
  return credential_from_row(*row);
}

core::Result<void> delete_application(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                      std::string_view id) {
  auto app = get_application(tx, id);
  if (!app) return std::unexpected(app.error());
  tx.exec("DELETE FROM applications WHERE id = ?", {app->id});
  store::append_audit(tx, env.clock, who,
                      {"application.deleted",
                       "",
                       "",
                       "success",
                       {{"application_id", app->id}, {"name", app->name}}});
  return {};
}

std::optional<Application> find_application_by_key(store::Tx& tx, std::string_view api_key) {
  return lookup_credential(tx, CredentialKind::kApplicationKey, api_key);
}

std::optional<Application> authenticate_application_key(store::Store& store,
                                                        const core::Clock& clock,
                                                        std::string_view api_key) {
  return authenticate_credential(store, clock, CredentialKind::kApplicationKey, api_key);
}

}  // namespace twostep::account
