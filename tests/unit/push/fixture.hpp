// Shared set-up for the push unit tests: a fresh SQLite database with every migration, a
// manual clock, seeded randomness, device keys that really sign (OpenSSL P-256), users and
// devices inserted with SQL, and a fan-out that records what it was asked to deliver.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/encoding.hpp"
#include "core/random.hpp"
#include "push/fanout.hpp"
#include "push/push_service.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::push::testing {

/// A P-256 key pair, as a phone holds it.
class DeviceKey {
 public:
  DeviceKey();
  ~DeviceKey();
  DeviceKey(const DeviceKey&) = delete;
  DeviceKey& operator=(const DeviceKey&) = delete;

  /// DER SubjectPublicKeyInfo.
  core::Bytes public_key() const;
  /// ECDSA P-256 over SHA-256(message), DER, base64url without padding.
  std::string sign(std::string_view message) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Records every PushFanout call.
class RecordingFanout final : public PushFanout {
 public:
  struct Cancel {
    std::string user_id, txid, answered_by;
  };
  void deliver_push(const PushTransaction& push) override { pushes.push_back(push); }
  void cancel(std::string_view user_id, std::string_view txid,
              std::string_view answered_by) override {
    cancels.push_back({std::string(user_id), std::string(txid), std::string(answered_by)});
  }
  bool deliver_notice(const Notice& notice) override {
    notices.push_back(notice);
    return notices_reach_device;
  }
  void deactivate(std::string_view device_id, std::string_view reason) override {
    deactivations.emplace_back(std::string(device_id), std::string(reason));
  }
  void transaction_changed(std::string_view txid) override { changed.emplace_back(txid); }

  std::vector<PushTransaction> pushes;
  std::vector<Cancel> cancels;
  std::vector<Notice> notices;
  std::vector<std::pair<std::string, std::string>> deactivations;
  std::vector<std::string> changed;
  bool notices_reach_device = false;
};

class PushTest : public ::testing::Test {
 protected:
  PushTest();

  /// Inserts an active (or other status) user; returns its id.
  std::string add_user(const std::string& username, const std::string& status = "active");
  /// Inserts a device of `user_id` with `key`; returns its id.
  std::string add_device(const std::string& user_id, const DeviceKey& key,
                         const std::string& status = "active");
  void set_device_status(const std::string& device_id, const std::string& status);

  /// A push for `user_id` from application "app_1" ("VPN").
  core::Result<NewPush> push_for(const std::string& user_id, const std::string& app = "app_1");
  /// A correctly signed answer from `device_id` holding `key`.
  core::Result<AnswerOutcome> answer(const std::string& device_id, const DeviceKey& key,
                                     const std::string& txid, Decision decision,
                                     const std::string& number = "");

  std::string push_status(const std::string& txid);
  std::string user_status(const std::string& user_id);
  std::int64_t failed_attempts(const std::string& user_id);
  std::int64_t audit_rows(const std::string& type, const std::string& result = "");
  /// The first column of the first row of a query with up to two parameters.
  std::int64_t scalar(const std::string& sql);
  std::int64_t scalar(const std::string& sql, const store::Value& a);
  std::int64_t scalar(const std::string& sql, const store::Value& a, const store::Value& b);

  twostep::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  core::ManualClock clock_{core::from_unix_seconds(1'800'000'000)};
  core::SeededRandom random_{7};
  RecordingFanout fanout_;
  std::unique_ptr<PushService> service_;
  PushSettings settings_;
  store::AuditContext who_{"app:VPN", "198.51.100.4", "corr-1"};
};

}  // namespace twostep::push::testing
