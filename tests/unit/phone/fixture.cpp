// The phone test fixture; see fixture.hpp.
#include "tests/unit/phone/fixture.hpp"

#include "core/ids.hpp"
#include "phone/phones.hpp"

namespace twostep::phone::testing {

void PhoneTest::SetUp() {
  StoreTest::SetUp();
  if (IsSkipped()) return;
  store_ = open();
  service_ = std::make_unique<PhoneService>(
      *store_, clock_, random_, provider_,
      core::SecretBytes::from_string("phone-code-key-for-the-unit-tests"));
  service_->on_transaction_changed([this](std::string_view txid) {
    const std::lock_guard lock(changed_mutex_);
    changed_txids_.emplace_back(txid);
  });
  settings_.default_region = "NL";
}

std::string PhoneTest::add_user(const std::string& username, const std::string& preferred,
                                const std::string& status) {
  const std::string id = core::new_id("usr", random_);
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    const std::int64_t now = core::unix_seconds(clock_.now());
    tx.exec(
        "INSERT INTO users (id, username, username_key, display_name, status, preferred_method, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {id, username, username, username, status,
         preferred.empty() ? store::Value(nullptr) : store::Value(preferred), now, now});
    return true;
  });
  return id;
}

void PhoneTest::put_phone(const std::string& user_id, PhoneType type, const std::string& e164,
                          const std::string& extension, bool verified) {
  const auto now = clock_.now();
  store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    save_phone(tx, Phone{user_id, type, e164, extension,
                         verified ? std::optional(now) : std::nullopt, now, now});
    return true;
  });
}

std::string PhoneTest::stored_number(const std::string& user_id, PhoneType type) {
  return store_->read([&](store::Tx& tx) {
    const auto phone = find_phone(tx, user_id, type);
    return phone ? phone->e164 : std::string();
  });
}

core::Result<SetPhoneOutcome> PhoneTest::set(const std::string& user_id, PhoneType type,
                                             const std::string& number) {
  return service_->set_phone(SetPhoneRequest{user_id, type, number, std::nullopt, false}, settings_,
                             who_);
}

core::Result<SavedPhone> PhoneTest::confirm(const std::string& user_id,
                                            const std::string& verification_id,
                                            const std::string& code) {
  return service_->confirm_verification(user_id, verification_id, code, settings_, who_);
}

core::Result<NewCodeTransaction> PhoneTest::send_code(const std::string& user_id,
                                                      std::optional<PhoneType> phone,
                                                      std::optional<Channel> channel,
                                                      const std::string& requester) {
  return service_->start_sign_in(SignInCodeRequest{user_id, phone, channel, requester}, settings_,
                                 who_);
}

core::Result<CodeCheck> PhoneTest::verify(const std::string& txid, const std::string& code,
                                          const std::string& requester) {
  return service_->verify_sign_in(txid, requester, code, settings_, who_);
}

std::string PhoneTest::wrong(const std::string& code) {
  std::string out = code;
  out[0] = out[0] == '9' ? '0' : static_cast<char>(out[0] + 1);
  return out;
}

std::int64_t PhoneTest::scalar(const std::string& sql, const store::Value& a) {
  return store_->read([&](store::Tx& tx) {
    return std::holds_alternative<std::nullptr_t>(a) ? tx.query_one(sql)->integer(0)
                                                     : tx.query_one(sql, {a})->integer(0);
  });
}

std::int64_t PhoneTest::failed_attempts(const std::string& user_id) {
  return scalar("SELECT failed_attempts FROM users WHERE id = ?", user_id);
}

std::int64_t PhoneTest::audit_rows(const std::string& type, const std::string& result) {
  return store_->read([&](store::Tx& tx) {
    if (result.empty()) {
      return tx.query_one("SELECT COUNT(*) FROM audit_log WHERE type = ?", {type})->integer(0);
    }
    return tx
        .query_one("SELECT COUNT(*) FROM audit_log WHERE type = ? AND result = ?", {type, result})
        ->integer(0);
  });
}

}  // namespace twostep::phone::testing
