// Shared set-up for the phone service tests: a fresh database with every migration (SQLite,
// and PostgreSQL too when TWOSTEP_TEST_PG_URL names a server), a manual clock, seeded
// randomness, a provider that records every message (and can be told to fail), and users
// inserted with SQL. Tests are TEST_P and their suite is instantiated with
// TWOSTEP_STORE_BACKENDS.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "phone/phone_service.hpp"
#include "phone/provider.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "tests/unit/store/store_test_support.hpp"

namespace twostep::phone::testing {

// TWOSTEP_STORE_BACKENDS names the backends unqualified.
using store::Backend;

/// Records every message; answers delivery_failed while `fail` is set.
class RecordingProvider final : public Provider {
 public:
  core::Result<void> send(const Message& message) override {
    const std::lock_guard lock(mutex_);
    sent.push_back(message);
    if (fail) return delivery_failed("test gateway is down");
    return {};
  }
  const Message& last() const { return sent.back(); }

  std::vector<Message> sent;
  bool fail = false;

 private:
  std::mutex mutex_;
};

class PhoneTest : public store::StoreTest {
 protected:
  /// Opens the store and the service; subclasses call it first and stop when IsSkipped().
  void SetUp() override;

  /// Inserts a user with a preferred method ("" for none); returns its id.
  std::string add_user(const std::string& username, const std::string& preferred = "",
                       const std::string& status = "active");
  /// Stores a phone directly, as if saved earlier (and proven with a code when `verified`).
  void put_phone(const std::string& user_id, PhoneType type, const std::string& e164,
                 const std::string& extension = "", bool verified = false);
  /// The stored number of a slot, or "" when empty.
  std::string stored_number(const std::string& user_id, PhoneType type);

  core::Result<SetPhoneOutcome> set(const std::string& user_id, PhoneType type,
                                    const std::string& number);
  core::Result<SavedPhone> confirm(const std::string& user_id, const std::string& verification_id,
                                   const std::string& code);
  /// start_sign_in for the requester "app_1".
  core::Result<NewCodeTransaction> send_code(const std::string& user_id,
                                             std::optional<PhoneType> phone = std::nullopt,
                                             std::optional<Channel> channel = std::nullopt,
                                             const std::string& requester = "app_1");
  core::Result<CodeCheck> verify(const std::string& txid, const std::string& code,
                                 const std::string& requester = "app_1");
  /// The code in the last message sent.
  std::string last_code() const { return provider_.last().code; }
  /// A 6-digit code that is not `code`.
  static std::string wrong(const std::string& code);

  std::int64_t failed_attempts(const std::string& user_id);
  std::int64_t audit_rows(const std::string& type, const std::string& result = "");
  std::int64_t scalar(const std::string& sql, const store::Value& a = nullptr);

  std::unique_ptr<store::Store> store_;
  core::ManualClock clock_{core::from_unix_seconds(1'800'000'000)};
  core::SeededRandom random_{11};
  RecordingProvider provider_;
  std::unique_ptr<PhoneService> service_;
  PhoneSettings settings_;
  store::AuditContext who_{"user:alice", "198.51.100.7", "corr-1"};
  std::mutex changed_mutex_;
  std::vector<std::string> changed_txids_;  // what the service told its observer
};

}  // namespace twostep::phone::testing
