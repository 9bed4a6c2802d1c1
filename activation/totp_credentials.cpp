#include "activation/totp_credentials.hpp"

#include "activation/rows.hpp"
#include "core/ids.hpp"

namespace twostep::activation {
namespace {

// The columns credential_from_row reads, in its order.
#define TWOSTEP_CREDENTIAL_COLUMNS                                                          \
  "c.id, c.user_id, c.kind, c.device_id, c.display_name, c.status, c.algorithm, c.digits, " \
  "c.period, c.last_step, c.created_at, c.activated_at"
constexpr std::string_view kSelectCredential =
    "SELECT " TWOSTEP_CREDENTIAL_COLUMNS " FROM totp_credentials c ";
// The same with the sealed secret as a last column, for verification.
constexpr const char* kSelectUsable =
    "SELECT " TWOSTEP_CREDENTIAL_COLUMNS
    ", c.secret_sealed FROM totp_credentials c LEFT JOIN devices d ON d.id = c.device_id "
    "WHERE c.user_id = ? AND c.status = 'active' AND c.secret_sealed IS NOT NULL "
    "AND (c.device_id IS NULL OR d.status = 'active') ORDER BY c.created_at, c.id";
constexpr std::size_t kSealedColumn = 12;
#undef TWOSTEP_CREDENTIAL_COLUMNS

Credential credential_from_row(const store::Row& row) {
  Credential c;
  c.id = row.text(0);
  c.user_id = row.text(1);
  c.kind = row.text(2) == "oath" ? CredentialKind::kOath : CredentialKind::kDevice;
  c.device_id = row.opt_text(3);
  c.display_name = row.text(4);
  c.status = row.text(5);
  c.params.algorithm = totp::parse_algorithm(row.text(6)).value_or(totp::Algorithm::kSha1);
  c.params.digits = static_cast<int>(row.integer(7));
  c.params.period = static_cast<int>(row.integer(8));
  c.last_step = row.opt_integer(9);
  c.created_at = time_at(row, 10);
  c.activated_at = opt_time_at(row, 11);
  return c;
}

std::vector<Credential> credentials_from(const std::vector<store::Row>& rows) {
  std::vector<Credential> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(credential_from_row(row));
  return out;
}

std::string kind_name(CredentialKind kind) {
  return kind == CredentialKind::kOath ? "oath" : "device";
}

}  // namespace

std::string credential_aad(std::string_view credential_id) {
  return "totp:" + std::string(credential_id);
}

CreatedCredential insert_credential(store::Tx& tx, const core::Clock& clock, core::Random& random,
                                    const core::Sealer& sealer, const NewCredential& spec) {
  CreatedCredential out{core::new_id("cred", random),
                        totp::new_secret(random, spec.params.algorithm)};
  const std::int64_t now = core::unix_seconds(clock.now());
  store::Value device = nullptr;
  if (spec.device_id) device = *spec.device_id;
  store::Value activated_at = nullptr;
  if (spec.active) activated_at = now;
  tx.exec(
      "INSERT INTO totp_credentials (id, user_id, kind, device_id, display_name, status, "
      "algorithm, digits, period, secret_sealed, last_step, created_at, activated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
      {out.id, spec.user_id, kind_name(spec.kind), device, spec.display_name,
       std::string(spec.active ? "active" : "pending"),
       std::string(totp::algorithm_name(spec.params.algorithm)), std::int64_t{spec.params.digits},
       std::int64_t{spec.params.period}, sealer.seal(out.secret.view(), credential_aad(out.id)),
       now, activated_at});
  return out;
}

std::optional<Credential> find_credential(store::Tx& tx, std::string_view user_id,
                                          std::string_view credential_id) {
  auto row = tx.query_one(std::string(kSelectCredential) + "WHERE c.id = ? AND c.user_id = ?",
                          {std::string(credential_id), std::string(user_id)});
  if (!row) return std::nullopt;
  return credential_from_row(*row);
}

std::vector<Credential> live_credentials(store::Tx& tx, std::string_view user_id,
                                         CredentialKind kind) {
  return credentials_from(
      tx.query(std::string(kSelectCredential) +
                   "WHERE c.user_id = ? AND c.kind = ? AND c.status <> 'deleted' "
                   "ORDER BY c.created_at, c.id",
               {std::string(user_id), kind_name(kind)}));
}

std::vector<UsableCredential> usable_credentials(store::Tx& tx, std::string_view user_id) {
  std::vector<UsableCredential> out;
  for (const auto& row : tx.query(kSelectUsable, {std::string(user_id)})) {
    out.push_back({credential_from_row(row), row.blob(kSealedColumn)});
  }
  return out;
}

core::Result<core::SecretBytes> open_sealed_secret(const core::Sealer& sealer,
                                                   const store::Blob& sealed,
                                                   std::string_view credential_id) {
  return sealer.open(sealed, credential_aad(credential_id));
}

core::Result<core::SecretBytes> open_credential_secret(store::Tx& tx, const core::Sealer& sealer,
                                                       std::string_view credential_id) {
  auto row = tx.query_one("SELECT secret_sealed FROM totp_credentials WHERE id = ?",
                          {std::string(credential_id)});
  if (!row || row->is_null(0)) {
    return core::fail(core::ErrorKind::kNotFound, "credential_not_found",
                      "the credential has no secret");
  }
  return open_sealed_secret(sealer, row->blob(0), credential_id);
}

bool claim_step(store::Tx& tx, std::string_view credential_id, std::int64_t step) {
  return tx.exec(
             "UPDATE totp_credentials SET last_step = ? "
             "WHERE id = ? AND status <> 'deleted' AND (last_step IS NULL OR last_step < ?)",
             {step, std::string(credential_id), step}) == 1;
}

}  // namespace twostep::activation
