#include "account/temporary_access.hpp"

#include "account/users.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"

namespace twostep::account {
namespace {

// Lower-case letters and digits without the ones people misread over the phone (0/o, 1/l/i).
constexpr std::string_view kAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
constexpr std::size_t kCodeChars = 16;
constexpr std::size_t kGroup = 4;

std::string new_code(core::Random& random) {
  std::string code;
  for (std::size_t i = 0; i < kCodeChars; ++i) {
    if (i > 0 && i % kGroup == 0) code.push_back('-');
    code.push_back(kAlphabet[random.uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
  }
  return code;
}

// What is hashed: the code without separators, lower-cased, so "ABCD-EFGH…" and "abcdefgh…"
// are the same code.
std::string normalise(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace

core::Result<IssuedTemporaryAccess> issue_temporary_access(store::Tx& tx, const Env& env,
                                                           const store::AuditContext& who,
                                                           std::string_view user_ref, int hours) {
  if (hours < kMinTemporaryAccessHours || hours > kMaxTemporaryAccessHours) {
    return core::fail_invalid("hours", "hours must be an integer from 1 to 24");
  }
  auto user = get_user(tx, user_ref);
  if (!user) return std::unexpected(user.error());
  const core::TimePoint now = env.clock.now();
  IssuedTemporaryAccess issued{new_code(env.random), now + std::chrono::hours(hours)};
  // One outstanding code per user: a reissued code ends the earlier ones.
  tx.exec("DELETE FROM temporary_access_codes WHERE user_id = ? AND used_at IS NULL", {user->id});
  const std::string id = core::new_id("tac", env.random);
  tx.exec(
      "INSERT INTO temporary_access_codes (id, user_id, code_hash, created_by, created_at, "
      "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      {id, user->id, core::sha256_hex(normalise(issued.code)), who.actor, core::unix_seconds(now),
       core::unix_seconds(issued.expires_at)});
  store::append_audit(
      tx, env.clock, who,
      {"temporary_access.issued",
       user->id,
       "",
       "success",
       {{"id", id}, {"hours", hours}, {"expires_at", core::to_rfc3339(issued.expires_at)}}});
  return issued;
}

bool consume_temporary_access(store::Tx& tx, const core::Clock& clock,
                              const store::AuditContext& who, std::string_view user_id,
                              std::string_view code) {
  const std::string hash = core::sha256_hex(normalise(code));
  const std::int64_t now = core::unix_seconds(clock.now());
  // A user has at most one unused code; each candidate is compared in constant time.
  for (const auto& row :
       tx.query("SELECT id, code_hash FROM temporary_access_codes WHERE user_id = ? AND "
                "used_at IS NULL AND expires_at > ?",
                {std::string(user_id), now})) {
    if (!core::constant_time_equal(row.text(1), hash)) continue;
    if (tx.exec("UPDATE temporary_access_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
                {now, row.text(0)}) != 1) {
      return false;
    }
    store::append_audit(
        tx, clock, who,
        {"temporary_access.used", std::string(user_id), "", "success", {{"id", row.text(0)}}});
    return true;
  }
  return false;
}

}  // namespace twostep::account
