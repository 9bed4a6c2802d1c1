// Bearer credentials (admin tokens, application keys): 256 random bits behind a readable
// prefix, stored only as SHA-256 hex, found through the unique index on that hash and
// confirmed with a constant-time comparison. Shared by admin_tokens and applications, whose
// tables have the same shape (id, name, <hash>, created_at, last_used_at).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/store.hpp"

namespace twostep::account {

inline constexpr std::string_view kAdminTokenPrefix = "tsa_";
inline constexpr std::string_view kApplicationKeyPrefix = "tsk_";

enum class CredentialKind { kAdminToken, kApplicationKey };

/// A credential's stored record.
struct CredentialRecord {
  std::string id;
  std::string name;
  core::TimePoint created_at;
  std::optional<core::TimePoint> last_used_at;
};

/// A new credential of this kind: its prefix followed by 32 random bytes in base64url.
std::string new_bearer_secret(core::Random& random, CredentialKind kind);

/// Inserts the record with the secret's hash.
void insert_credential(store::Tx& tx, CredentialKind kind, const CredentialRecord& record,
                       std::string_view secret);

/// The record of the credential whose secret is `presented`, if any.
std::optional<CredentialRecord> lookup_credential(store::Tx& tx, CredentialKind kind,
                                                  std::string_view presented);

/// Looks `presented` up in a read transaction, then records the use at most once a minute
/// in a short write transaction, so authentication stays a read in the common case.
std::optional<CredentialRecord> authenticate_credential(store::Store& store,
                                                        const core::Clock& clock,
                                                        CredentialKind kind,
                                                        std::string_view presented);

/// Maps a row of (id, name, created_at, last_used_at).
CredentialRecord credential_from_row(const store::Row& row);

/// Optional unix seconds to an optional time point.
std::optional<core::TimePoint> opt_time(std::optional<std::int64_t> unix_seconds);

}  // namespace twostep::account
