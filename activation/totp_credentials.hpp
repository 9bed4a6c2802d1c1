// TOTP credentials as stored: a device's own secret (kind "device") or a third-party OATH
// app's (kind "oath"). Secrets are sealed with the master key under aad "totp:<id>", so a
// sealed blob copied onto another row does not open; replay protection is the conditional
// update of last_step.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"
#include "core/secret.hpp"
#include "store/store.hpp"
#include "totp/otp.hpp"

namespace twostep::activation {

enum class CredentialKind { kDevice, kOath };

/// A credential row. `has_secret` is false once the credential was deleted (wiped).
struct Credential {
  std::string id;
  std::string user_id;
  CredentialKind kind = CredentialKind::kDevice;
  std::optional<std::string> device_id;
  std::string display_name;
  std::string status;  // pending | active | deleted
  totp::Params params;
  std::optional<std::int64_t> last_step;
  core::TimePoint created_at;
  std::optional<core::TimePoint> activated_at;
};

/// What a new credential needs; the secret is drawn from `random` at the algorithm's size.
struct NewCredential {
  std::string user_id;
  CredentialKind kind = CredentialKind::kDevice;
  std::optional<std::string> device_id;
  std::string display_name;
  bool active = true;  // false = pending until proved with a first code (OATH tokens)
  totp::Params params;
};

struct CreatedCredential {
  std::string id;
  core::SecretBytes secret;
};

/// The aad that binds a sealed secret to its credential row.
std::string credential_aad(std::string_view credential_id);

/// Inserts a credential with a fresh sealed secret and returns the secret (to show once).
CreatedCredential insert_credential(store::Tx& tx, const core::Clock& clock, core::Random& random,
                                    const core::Sealer& sealer, const NewCredential& spec);

/// One credential of a user (any status), or nullopt.
std::optional<Credential> find_credential(store::Tx& tx, std::string_view user_id,
                                          std::string_view credential_id);

/// The user's credentials of `kind` that are not deleted, oldest first.
std::vector<Credential> live_credentials(store::Tx& tx, std::string_view user_id,
                                         CredentialKind kind);

/// A credential that may verify codes, with its sealed secret (read in the same query).
struct UsableCredential {
  Credential credential;
  store::Blob secret_sealed;
};

/// The user's credentials that may verify codes: status 'active', secret present, and for
/// device credentials an active device. Oldest first.
std::vector<UsableCredential> usable_credentials(store::Tx& tx, std::string_view user_id);

/// Opens `sealed`, the secret of credential `credential_id`: kInternal
/// "sealed_secret_invalid" when it was tampered with or belongs to another row.
core::Result<core::SecretBytes> open_sealed_secret(const core::Sealer& sealer,
                                                   const store::Blob& sealed,
                                                   std::string_view credential_id);

/// The opened secret. kInternal "sealed_secret_invalid" when the blob was tampered with or
/// belongs to another row; 404 "credential_not_found" when the secret was wiped.
core::Result<core::SecretBytes> open_credential_secret(store::Tx& tx, const core::Sealer& sealer,
                                                       std::string_view credential_id);

/// Accepts `step` for the credential only if it is later than the stored last step; the
/// conditional UPDATE makes two concurrent acceptances of one step impossible. True when
/// this call stored the step.
bool claim_step(store::Tx& tx, std::string_view credential_id, std::int64_t step);

}  // namespace twostep::activation
