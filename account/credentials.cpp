#include "account/credentials.hpp"

#include "core/crypto.hpp"

namespace twostep::account {

namespace {

constexpr std::int64_t kUseRecordIntervalSeconds = 60;

struct Table {
  std::string_view prefix;
  const char* insert;
  const char* select_by_hash;
  const char* record_use;
};

// Table names are fixed strings chosen here, never caller text.
const Table& table(CredentialKind kind) {
  static const Table admin{
      kAdminTokenPrefix,
      "INSERT INTO admin_tokens (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
      "SELECT id, name, created_at, last_used_at, token_hash FROM admin_tokens "
      "WHERE token_hash = ?",
      "UPDATE admin_tokens SET last_used_at = ? WHERE id = ?"};
  static const Table app{
      kApplicationKeyPrefix,
      "INSERT INTO applications (id, name, key_hash, created_at) VALUES (?, ?, ?, ?)",
      "SELECT id, name, created_at, last_used_at, key_hash FROM applications "
      "WHERE key_hash = ?",
      "UPDATE applications SET last_used_at = ? WHERE id = ?"};
  return kind == CredentialKind::kAdminToken ? admin : app;
}

}  // namespace

std::string new_bearer_secret(core::Random& random, CredentialKind kind) {
  return std::string(table(kind).prefix) + random.token(32);
}

void insert_credential(store::Tx& tx, CredentialKind kind, const CredentialRecord& record,
                       std::string_view secret) {
  tx.exec(table(kind).insert, {record.id, record.name, core::sha256_hex(secret),
                               core::unix_seconds(record.created_at)});
}

CredentialRecord credential_from_row(const store::Row& row) {
  return {row.text(0), row.text(1), core::from_unix_seconds(row.integer(2)),
          opt_time(row.opt_integer(3))};
}

std::optional<CredentialRecord> lookup_credential(store::Tx& tx, CredentialKind kind,
                                                  std::string_view presented) {
  const Table& t = table(kind);
  if (!presented.starts_with(t.prefix)) return std::nullopt;
  std::string hash = core::sha256_hex(presented);
  auto row = tx.query_one(t.select_by_hash, {hash});
  // The index finds the row; the comparison that decides is the constant-time one.
  if (!row || !core::constant_time_equal(row->text(4), hash)) return std::nullopt;
  return credential_from_row(*row);
}

std::optional<CredentialRecord> authenticate_credential(store::Store& store,
                                                        const core::Clock& clock,
                                                        CredentialKind kind,
                                                        std::string_view presented) {
  auto found = store.read([&](store::Tx& tx) { return lookup_credential(tx, kind, presented); });
  if (!found) return std::nullopt;
  auto now = clock.now();
  bool stale =
      !found->last_used_at || core::unix_seconds(now) - core::unix_seconds(*found->last_used_at) >=
                                  kUseRecordIntervalSeconds;
  if (stale) {
    store.run(store::TxMode::kWrite, [&](store::Tx& tx) {
      tx.exec(table(kind).record_use, {core::unix_seconds(now), found->id});
      return true;
    });
    found->last_used_at = now;
  }
  return found;
}

std::optional<core::TimePoint> opt_time(std::optional<std::int64_t> unix_seconds) {
  if (!unix_seconds) return std::nullopt;
  return core::from_unix_seconds(*unix_seconds);
}

}  // namespace twostep::account
