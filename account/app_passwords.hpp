// App passwords (SPEC.md capability 8): for applications that cannot do the second step
// (mail clients, legacy protocols). The server generates each one (16 letters a–z, about 75
// bits), shows it once, and keeps only its Argon2id hash with a name, the creation time
// and the last use. A per-user cap and an organisation switch (`max_app_passwords`,
// `app_passwords_enabled`) bound them. Hashing is costly: make the hash before the write
// transaction (prepare_app_password) and check candidates outside any transaction
// (match_app_password), on a worker thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "account/env.hpp"
#include "account/passwords.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// Letters in a generated app password: 16 × log2(26) ≈ 75.2 bits.
inline constexpr std::size_t kAppPasswordLength = 16;

/// An app password as stored and listed (never the password or its hash).
struct AppPassword {
  std::string id;  // "apw_…"
  std::string user_id;
  std::string name;
  core::TimePoint created_at;
  std::optional<core::TimePoint> last_used_at;
};

/// A generated password in clear (to show once) and its Argon2id hash.
struct PreparedAppPassword {
  std::string password;
  std::string password_hash;
};

/// A new app password: its record and the password in clear, to show once.
struct NewAppPassword {
  AppPassword record;
  std::string password;
};

/// 1–64 characters of text. 400 "invalid_name".
core::Result<void> check_app_password_name(std::string_view name);

/// 16 uniformly chosen letters a–z.
std::string generate_app_password(core::Random& random);

/// Generates a password and hashes it (tens of milliseconds): call outside transactions.
PreparedAppPassword prepare_app_password(core::Random& random, const Argon2Params& params = {});

/// Stores `prepared` for the user id under `name`. Errors: 400 "invalid_name"; 403
/// "app_passwords_disabled" when the organisation turned them off; 409
/// "too_many_app_passwords" when the user already has `max_app_passwords`. Audits
/// "app_password.created" (id and name only).
core::Result<NewAppPassword> create_app_password(store::Tx& tx, const Env& env,
                                                 const store::AuditContext& who,
                                                 std::string_view user_id, std::string_view name,
                                                 PreparedAppPassword prepared);

/// The user's app passwords, oldest first.
std::vector<AppPassword> list_app_passwords(store::Tx& tx, std::string_view user_id);

/// Deletes one app password of the user id; another user's or an unknown id is 404
/// "app_password_not_found". Audits "app_password.deleted".
core::Result<void> delete_app_password(store::Tx& tx, const Env& env,
                                       const store::AuditContext& who, std::string_view user_id,
                                       std::string_view app_password_id);

/// Deletes every app password of the user id (re-registration); returns how many. Audits
/// "app_passwords.deleted" with the count when there were any.
std::int64_t delete_all_app_passwords(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                      std::string_view user_id);

/// One stored hash to check a presented password against.
struct AppPasswordCandidate {
  std::string id;
  std::string password_hash;
};

/// The user's hashes, most recently used first (so that the client that used one last,
/// the usual caller, costs one hash).
std::vector<AppPasswordCandidate> app_password_candidates(store::Tx& tx, std::string_view user_id);

/// The id of the candidate `presented` matches, or nullopt. Costs one Argon2id hash per
/// candidate tried: call outside transactions. Spaces are ignored and letters compared
/// lower-cased, so a password copied as "abcd efgh ijkl mnop" or typed in capitals works.
std::optional<std::string> match_app_password(const std::vector<AppPasswordCandidate>& candidates,
                                              std::string_view presented);

/// Records a successful use (last_used_at).
void record_app_password_use(store::Tx& tx, const core::Clock& clock,
                             std::string_view app_password_id);

}  // namespace twostep::account
