// A fresh SQLite database in a temporary directory, a manual clock and seeded randomness,
// for the account unit tests.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "account/env.hpp"
#include "account/users.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account::testing {

class AccountTest : public ::testing::Test {
 protected:
  AccountTest() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "twostep-account-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = pattern;
    store_ = store::open_store("sqlite:" + (dir_ / "twostep.db").string());
  }
  ~AccountTest() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  /// Runs `f(tx)` in a write transaction (commits only when it returns a value).
  template <class F>
  auto write(F&& f) {
    return store_->write(std::forward<F>(f));
  }
  template <class F>
  auto read(F&& f) {
    return store_->read(std::forward<F>(f));
  }

  std::int64_t count(const std::string& sql) {
    return read([&](store::Tx& tx) { return tx.query_one(sql)->integer(0); });
  }
  std::int64_t audit_rows(const std::string& type) {
    return read([&](store::Tx& tx) {
      return tx.query_one("SELECT COUNT(*) FROM audit_log WHERE type = ?", {type})->integer(0);
    });
  }

  /// A new user (create_user); its id, "" after a test failure.
  std::string make_user(const std::string& username) {
    auto created = write([&](store::Tx& tx) {
      return create_user(tx, env_, who_, {username, "Someone", std::nullopt, Role::kUser});
    });
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->user.id : "";
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  core::ManualClock clock_{core::from_unix_seconds(1'800'000'000)};
  core::SeededRandom random_{42};
  Env env_{clock_, random_};
  store::AuditContext who_{"admin:test", "192.0.2.7", "corr-1"};
};

}  // namespace twostep::account::testing
