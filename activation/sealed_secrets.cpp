// The sealed columns, their row ids and associated data, in one table so that a new sealed
// column is added once and rotation and restore both cover it.
#include "activation/sealed_secrets.hpp"

#include <array>
#include <functional>
#include <string>

#include "activation/activation_codes.hpp"
#include "activation/totp_credentials.hpp"

namespace twostep::activation {
namespace {

struct SealedColumn {
  const char* table;
  const char* column;
  std::string (*aad)(std::string_view id);
};

const std::array<SealedColumn, 2> kSealedColumns{{
    {"activations", "code_sealed", activation_code_aad},
    {"totp_credentials", "secret_sealed", credential_aad},
}};

// Calls `visit(column, id, blob)` for every sealed value; stops at the first error.
core::Result<std::size_t> for_each_sealed(
    store::Tx& tx, const std::function<core::Result<void>(const SealedColumn&, const std::string&,
                                                          const store::Blob&)>& visit) {
  std::size_t count = 0;
  for (const SealedColumn& c : kSealedColumns) {
    const std::string sql = std::string("SELECT id, ") + c.column + " FROM " + c.table + " WHERE " +
                            c.column + " IS NOT NULL ORDER BY id";
    for (const store::Row& row : tx.query(sql)) {
      auto done = visit(c, row.text(0), row.blob(1));
      if (!done) return std::unexpected(done.error());
      ++count;
    }
  }
  return count;
}

std::unexpected<core::Error> not_opened(const SealedColumn& c, const std::string& id) {
  return core::fail(core::ErrorKind::kInternal, "sealed_secret_invalid",
                    std::string("the sealed secret of ") + c.table + " row " + id +
                        " does not open under the master key");
}

}  // namespace

core::Result<std::size_t> check_sealed_secrets(store::Tx& tx, const core::Sealer& sealer) {
  return for_each_sealed(tx,
                         [&](const SealedColumn& c, const std::string& id,
                             const store::Blob& blob) -> core::Result<void> {
                           if (!sealer.open(blob, c.aad(id))) return not_opened(c, id);
                           return {};
                         });
}

std::size_t count_sealed_with_current(store::Tx& tx, const core::Sealer& sealer) {
  std::size_t opened = 0;
  for_each_sealed(tx,
                  [&](const SealedColumn& c, const std::string& id,
                      const store::Blob& blob) -> core::Result<void> {
                    if (sealer.open_with_current(blob, c.aad(id))) ++opened;
                    return {};
                  });
  return opened;
}

core::Result<std::size_t> reseal_secrets(store::Tx& tx, const core::Sealer& from,
                                         const core::Sealer& to) {
  return for_each_sealed(
      tx,
      [&](const SealedColumn& c, const std::string& id,
          const store::Blob& blob) -> core::Result<void> {
        const std::string aad = c.aad(id);
        auto secret = from.open(blob, aad);
        if (!secret) return not_opened(c, id);
        tx.exec(std::string("UPDATE ") + c.table + " SET " + c.column + " = ? WHERE id = ?",
                {store::Blob(to.seal(secret->view(), aad)), id});
        return {};
      });
}

}  // namespace twostep::activation
