// Every secret the database holds sealed under the master key (pending activation codes and
// TOTP secrets), walked as one set: master-key rotation re-seals them all under a new key,
// and restore checks that the data dir's key opens a backup before it replaces anything.
#pragma once

#include <cstddef>

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace twostep::activation {

/// Opens every sealed secret with `sealer` and counts them. Error "sealed_secret_invalid"
/// naming the first row whose secret does not open (a wrong or missing key).
core::Result<std::size_t> check_sealed_secrets(store::Tx& tx, const core::Sealer& sealer);

/// How many sealed secrets open under the current key of `sealer` alone.
std::size_t count_sealed_with_current(store::Tx& tx, const core::Sealer& sealer);

/// Opens every sealed secret with `from` and writes it back sealed by `to` (its current key),
/// bound to the same row. Returns how many were re-sealed; on "sealed_secret_invalid" the
/// caller rolls back, so a rotation changes all secrets or none.
core::Result<std::size_t> reseal_secrets(store::Tx& tx, const core::Sealer& from,
                                         const core::Sealer& to);

}  // namespace twostep::activation
