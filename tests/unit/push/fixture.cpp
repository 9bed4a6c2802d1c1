// The push test fixture; see fixture.hpp.
#include "tests/unit/push/fixture.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "core/ids.hpp"
#include "push/protocol.hpp"

namespace twostep::push::testing {

struct DeviceKey::Impl {
  EVP_PKEY* key = nullptr;
};

DeviceKey::DeviceKey() : impl_(std::make_unique<Impl>()) {
  impl_->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (impl_->key == nullptr) throw std::runtime_error("P-256 key generation failed");
}

DeviceKey::~DeviceKey() { EVP_PKEY_free(impl_->key); }

core::Bytes DeviceKey::public_key() const {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(impl_->key, &der);
  if (n <= 0) throw std::runtime_error("i2d_PUBKEY failed");
  core::Bytes out(der, der + n);
  OPENSSL_free(der);
  return out;
}

std::string DeviceKey::sign(std::string_view message) const {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::size_t size = 0;
  core::Bytes sig;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  bool ok = EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, impl_->key) == 1 &&
            EVP_DigestSign(md, nullptr, &size, data, message.size()) == 1;
  if (ok) {
    sig.resize(size);
    ok = EVP_DigestSign(md, sig.data(), &size, data, message.size()) == 1;
    sig.resize(size);
  }
  EVP_MD_CTX_free(md);
  if (!ok) throw std::runtime_error("signing failed");
  return core::base64url_encode(sig);
}

PushTest::PushTest() {
  store_ = store::open_store("sqlite:" + (dir_ / "twostep.db").string());
  service_ = std::make_unique<PushService>(*store_, clock_, random_, fanout_);
}

std::string PushTest::add_user(const std::string& username, const std::string& status) {
  const std::string id = core::new_id("usr", random_);
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    const std::int64_t now = core::unix_seconds(clock_.now());
    tx.exec(
        "INSERT INTO users (id, username, username_key, display_name, status, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {id, username, username, username, status, now, now});
    return true;
  });
  return id;
}

std::string PushTest::add_device(const std::string& user_id, const DeviceKey& key,
                                 const std::string& status) {
  const std::string id = core::new_id("dev", random_);
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    const std::int64_t now = core::unix_seconds(clock_.now());
    tx.exec(
        "INSERT INTO devices (id, user_id, display_name, platform, app_version, public_key, "
        "status, created_at, last_seen_at) VALUES (?, ?, 'Phone', 'android', '1.0', ?, ?, ?, "
        "?)",
        {id, user_id, key.public_key(), status, now, now});
    return true;
  });
  return id;
}

void PushTest::set_device_status(const std::string& device_id, const std::string& status) {
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec("UPDATE devices SET status = ? WHERE id = ?", {status, device_id});
    return true;
  });
}

core::Result<NewPush> PushTest::push_for(const std::string& user_id, const std::string& app) {
  return service_->create_push(PushRequest{user_id, Requester{app, "VPN"},
                                           PushContext{"203.0.113.9", "Oslo", "Firefox"}, false},
                               settings_, who_);
}

core::Result<AnswerOutcome> PushTest::answer(const std::string& device_id, const DeviceKey& key,
                                             const std::string& txid, Decision decision,
                                             const std::string& number) {
  AnswerRequest request{device_id, txid, decision, number,
                        key.sign(push_signed_message(txid, decision, number))};
  return service_->answer_push(request, settings_,
                               store::AuditContext{"device:" + device_id, "", "corr-2"});
}

std::int64_t PushTest::scalar(const std::string& sql) {
  return store_->read([&](store::Tx& tx) { return tx.query_one(sql)->integer(0); });
}
std::int64_t PushTest::scalar(const std::string& sql, const store::Value& a) {
  return store_->read([&](store::Tx& tx) { return tx.query_one(sql, {a})->integer(0); });
}
std::int64_t PushTest::scalar(const std::string& sql, const store::Value& a,
                              const store::Value& b) {
  return store_->read([&](store::Tx& tx) { return tx.query_one(sql, {a, b})->integer(0); });
}

std::string PushTest::push_status(const std::string& txid) {
  return store_->read([&](store::Tx& tx) {
    return tx.query_one("SELECT status FROM push_transactions WHERE id = ?", {txid})->text(0);
  });
}

std::string PushTest::user_status(const std::string& user_id) {
  return store_->read([&](store::Tx& tx) {
    return tx.query_one("SELECT status FROM users WHERE id = ?", {user_id})->text(0);
  });
}

std::int64_t PushTest::failed_attempts(const std::string& user_id) {
  return scalar("SELECT failed_attempts FROM users WHERE id = ?", user_id);
}

std::int64_t PushTest::audit_rows(const std::string& type, const std::string& result) {
  if (result.empty()) return scalar("SELECT COUNT(*) FROM audit_log WHERE type = ?", type);
  return scalar("SELECT COUNT(*) FROM audit_log WHERE type = ? AND result = ?", type, result);
}

}  // namespace twostep::push::testing
