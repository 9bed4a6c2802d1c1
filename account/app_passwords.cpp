// App passwords; see app_passwords.hpp.
#include "account/app_passwords.hpp"

#include "account/credentials.hpp"
#include "account/settings.hpp"
#include "account/text.hpp"
#include "core/ids.hpp"

namespace twostep::account {

namespace {

constexpr std::string_view kColumns = "id, user_id, name, created_at, last_used_at";

AppPassword app_password_from_row(const store::Row& row) {
  return {row.text(0), row.text(1), row.text(2), core::from_unix_seconds(row.integer(3)),
          opt_time(row.opt_integer(4))};
}

// The presented password as generated: spaces dropped, letters lower-cased; nullopt when it
// cannot be a generated password at all (then no hash needs to be computed).
std::optional<std::string> normalise(std::string_view presented) {
  std::string out;
  for (char c : presented) {
    if (c == ' ') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c < 'a' || c > 'z' || out.size() == kAppPasswordLength) return std::nullopt;
    out.push_back(c);
  }
  if (out.size() != kAppPasswordLength) return std::nullopt;
  return out;
}

std::int64_t count_of_user(store::Tx& tx, std::string_view user_id) {
  auto row =
      tx.query_one("SELECT COUNT(*) FROM app_passwords WHERE user_id = ?", {std::string(user_id)});
  return row ? row->integer(0) : 0;
}

core::Result<void> check_may_create(store::Tx& tx, std::string_view user_id) {
  const Settings settings = load_settings(tx);
  if (!settings.app_passwords_enabled) {
    return core::fail(core::ErrorKind::kForbidden, "app_passwords_disabled",
                      "app passwords are turned off for this organisation");
  }
  if (count_of_user(tx, user_id) >= settings.max_app_passwords) {
    return core::fail(core::ErrorKind::kConflict, "too_many_app_passwords",
                      "this user already has " + std::to_string(settings.max_app_passwords) +
                          " app passwords, the most allowed; delete one first");
  }
  return {};
}

}  // namespace

core::Result<void> check_app_password_name(std::string_view name) {
  return check_name(name, "name", 1, 64);
}

std::string generate_app_password(core::Random& random) {
  std::string out(kAppPasswordLength, 'a');
  for (char& c : out) c = static_cast<char>('a' + random.uniform(26));
  return out;
}

PreparedAppPassword prepare_app_password(core::Random& random, const Argon2Params& params) {
  std::string password = generate_app_password(random);
  std::string hash = hash_password(password, random, params);
  return {std::move(password), std::move(hash)};
}

core::Result<NewAppPassword> create_app_password(store::Tx& tx, const Env& env,
                                                 const store::AuditContext& who,
                                                 std::string_view user_id, std::string_view name,
                                                 PreparedAppPassword prepared) {
  if (auto ok = check_app_password_name(name); !ok) return std::unexpected(ok.error());
  if (auto ok = check_may_create(tx, user_id); !ok) return std::unexpected(ok.error());
  AppPassword record{core::new_id("apw", env.random), std::string(user_id), std::string(name),
                     env.clock.now(), std::nullopt};
  tx.exec(
      "INSERT INTO app_passwords (id, user_id, name, password_hash, created_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {record.id, record.user_id, record.name, prepared.password_hash,
       core::unix_seconds(record.created_at)});
  store::append_audit(tx, env.clock, who,
                      {"app_password.created",
                       record.user_id,
                       "",
                       "success",
                       {{"app_password_id", record.id}, {"name", record.name}}});
  return NewAppPassword{std::move(record), std::move(prepared.password)};
}

std::vector<AppPassword> list_app_passwords(store::Tx& tx, std::string_view user_id) {
  std::vector<AppPassword> out;
  for (const auto& row :
       tx.query("SELECT " + std::string(kColumns) +
                    " FROM app_passwords WHERE user_id = ? ORDER BY created_at, id",
                {std::string(user_id)})) {
    out.push_back(app_password_from_row(row));
  }
  return out;
}

core::Result<void> delete_app_password(store::Tx& tx, const Env& env,
                                       const store::AuditContext& who, std::string_view user_id,
                                       std::string_view app_password_id) {
  auto row = tx.query_one("DELETE FROM app_passwords WHERE id = ? AND user_id = ? RETURNING name",
                          {std::string(app_password_id), std::string(user_id)});
  if (!row) {
    return core::fail(core::ErrorKind::kNotFound, "app_password_not_found",
                      "this user has no app password with this id");
  }
  store::append_audit(tx, env.clock, who,
                      {"app_password.deleted",
                       std::string(user_id),
                       "",
                       "success",
                       {{"app_password_id", app_password_id}, {"name", row->text(0)}}});
  return {};
}

std::int64_t delete_all_app_passwords(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                      std::string_view user_id) {
  const std::int64_t deleted =
      tx.exec("DELETE FROM app_passwords WHERE user_id = ?", {std::string(user_id)});
  if (deleted > 0) {
    store::append_audit(
        tx, env.clock, who,
        {"app_passwords.deleted", std::string(user_id), "", "success", {{"deleted", deleted}}});
  }
  return deleted;
}

std::vector<AppPasswordCandidate> app_password_candidates(store::Tx& tx, std::string_view user_id) {
  std::vector<AppPasswordCandidate> out;
  // Never-used passwords come last: a client that worked before is the likely caller.
  for (const auto& row :
       tx.query("SELECT id, password_hash FROM app_passwords WHERE user_id = ? "
                "ORDER BY CASE WHEN last_used_at IS NULL THEN 1 ELSE 0 END, last_used_at DESC, "
                "created_at DESC",
                {std::string(user_id)})) {
    out.push_back({row.text(0), row.text(1)});
  }
  return out;
}

std::optional<std::string> match_app_password(const std::vector<AppPasswordCandidate>& candidates,
                                              std::string_view presented) {
  const auto password = normalise(presented);
  if (!password) return std::nullopt;
  for (const auto& candidate : candidates) {
    if (verify_password(candidate.password_hash, *password)) return candidate.id;
  }
  return std::nullopt;
}

void record_app_password_use(store::Tx& tx, const core::Clock& clock,
                             std::string_view app_password_id) {
  tx.exec("UPDATE app_passwords SET last_used_at = ? WHERE id = ?",
          {core::unix_seconds(clock.now()), std::string(app_password_id)});
}

}  // namespace twostep::account
