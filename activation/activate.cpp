#include "activation/activate.hpp"

#include <tuple>

#include "activation/input.hpp"
#include "activation/totp_credentials.hpp"
#include "core/encoding.hpp"
#include "core/ids.hpp"

namespace twostep::activation {
namespace {

// Codes are 22 base64url characters; anything much longer is not one of ours.
constexpr std::size_t kMaxCodeLength = 128;

core::Result<core::P256PublicKey> check_request(const ActivateRequest& r) {
  if (r.code.empty() || r.code.size() > kMaxCodeLength) {
    return core::fail_invalid("code", "code is missing or malformed");
  }
  for (const auto& [text, field, max] :
       {std::tuple{&r.device_name, "device_name", 100}, std::tuple{&r.platform, "platform", 50},
        std::tuple{&r.app_version, "app_version", 50}}) {
    if (auto ok = check_label(*text, field, max); !ok) return std::unexpected(ok.error());
  }
  auto der = core::base64url_decode(r.public_key);
  if (!der) {
    return core::fail(core::ErrorKind::kInvalidInput, "invalid_public_key",
                      "public_key must be base64url without padding", "public_key");
  }
  return core::parse_p256_public_key(*der);
}

// The pending activation behind `code`, claimed for this request, or why not.
struct Claimed {
  std::string id;
  std::string user_id;
  std::optional<std::string> replace_device_id;
};

core::Result<Claimed> claim_activation(store::Tx& tx, std::int64_t now, const std::string& code) {
  auto row = tx.query_one(
      "SELECT id, user_id, status, expires_at, replace_device_id FROM activations "
      "WHERE code_hash = ?",
      {core::sha256_hex(code)});
  if (!row) {
    return core::fail(core::ErrorKind::kNotFound, "activation_not_found",
                      "no activation has this code");
  }
  if (row->text(2) != "pending") {
    return core::fail(core::ErrorKind::kConflict, "activation_used",
                      "this activation code was already used");
  }
  if (now >= row->integer(3)) {
    return core::fail(core::ErrorKind::kGone, "activation_expired",
                      "this activation code has expired; create a new one");
  }
  // Conditional on 'pending': when two requests race with the same code, the second
  // finds nothing to update (on PostgreSQL it waits for the first's row lock, then re-reads).
  if (tx.exec("UPDATE activations SET status = 'completed', completed_at = ?, "
              "code_sealed = NULL WHERE id = ? AND status = 'pending'",
              {now, row->text(0)}) != 1) {
    return core::fail(core::ErrorKind::kConflict, "activation_used",
                      "this activation code was already used");
  }
  return Claimed{row->text(0), row->text(1), row->opt_text(4)};
}

}  // namespace

core::Result<ActivatedDevice> activate_device(store::Tx& tx, const core::Clock& clock,
                                              core::Random& random, const core::Sealer& sealer,
                                              const store::AuditContext& who,
                                              const ActivateRequest& request) {
  auto key = check_request(request);
  if (!key) return std::unexpected(key.error());
  const std::int64_t now = core::unix_seconds(clock.now());
  auto claimed = claim_activation(tx, now, request.code);
  if (!claimed) return std::unexpected(claimed.error());
  auto user = require_user(tx, claimed->user_id);
  if (!user) return std::unexpected(user.error());
  if (auto usable = require_usable(*user); !usable) return std::unexpected(usable.error());

  ActivatedDevice out;
  out.activation_id = claimed->id;
  out.device_id = core::new_id("dev", random);
  out.user = *user;
  tx.exec(
      "INSERT INTO devices (id, user_id, display_name, platform, app_version, public_key, "
      "status, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?)",
      {out.device_id, user->id, request.device_name, request.platform, request.app_version,
       key->spki_der, now, now});
  tx.exec("UPDATE activations SET device_id = ? WHERE id = ?", {out.device_id, claimed->id});

  CreatedCredential credential = insert_credential(
      tx, clock, random, sealer,
      {user->id, CredentialKind::kDevice, out.device_id, request.device_name, true, out.totp});
  out.credential_id = credential.id;
  out.totp_secret_base32 = core::base32_encode(credential.secret.view());

  if (claimed->replace_device_id) {
    // A device removed meanwhile (by the user, an admin, the sweep) is simply gone already.
    auto replaced = deactivate_device(tx, clock, who, *claimed->replace_device_id,
                                      DeactivationReason::kReplaced);
    if (replaced) out.deactivated.push_back(std::move(*replaced));
  }
  boost::json::object detail{{"activation_id", claimed->id},
                             {"platform", request.platform},
                             {"app_version", request.app_version}};
  if (claimed->replace_device_id) detail["replaced_device_id"] = *claimed->replace_device_id;
  store::append_audit(tx, clock, who,
                      {"device.activated", user->id, out.device_id, "success", std::move(detail)});
  return out;
}

}  // namespace twostep::activation
