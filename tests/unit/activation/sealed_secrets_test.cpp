#include "activation/sealed_secrets.hpp"

#include <gtest/gtest.h>

#include "tests/unit/activation/activation_fixture.hpp"

namespace twostep::activation {
namespace {

class SealedSecrets : public ActivationTest {
 protected:
  // One pending activation (its sealed code) and one activated device (its TOTP secret).
  void SetUp() override {
    const std::string alice = add_user("alice");
    const std::string bob = add_user("bob");
    ASSERT_TRUE(create(alice).has_value());
    enrolled_device(bob);
  }

  core::Result<std::size_t> check(const core::Sealer& sealer) {
    return store_->read([&](store::Tx& tx) { return check_sealed_secrets(tx, sealer); });
  }
};

TEST_F(SealedSecrets, CheckOpensEveryActivationCodeAndTotpSecret) {
  auto opened = check(sealer_);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(*opened, 2u);
  const core::Sealer stranger(random_.bytes(core::Sealer::kKeySize), random_);
  auto refused = check(stranger);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "sealed_secret_invalid");
  EXPECT_NE(refused.error().message.find("does not open"), std::string::npos);
}

TEST_F(SealedSecrets, ResealMovesEverySecretToTheNewKeyAndTheirCodesStillWork) {
  const core::Sealer next(random_.bytes(core::Sealer::kKeySize), random_);
  auto resealed = store_->write([&](store::Tx& tx) { return reseal_secrets(tx, sealer_, next); });
  ASSERT_TRUE(resealed.has_value()) << resealed.error().message;
  EXPECT_EQ(*resealed, 2u);
  EXPECT_EQ(check(next).value_or(0), 2u);
  EXPECT_FALSE(check(sealer_).has_value()) << "nothing is left under the old key";
  EXPECT_EQ(store_->read([&](store::Tx& tx) { return count_sealed_with_current(tx, next); }), 2u);
}

TEST_F(SealedSecrets, ResealWithTheWrongKeyChangesNothing) {
  const core::Sealer stranger(random_.bytes(core::Sealer::kKeySize), random_);
  const core::Sealer next(random_.bytes(core::Sealer::kKeySize), random_);
  auto resealed = store_->write([&](store::Tx& tx) { return reseal_secrets(tx, stranger, next); });
  ASSERT_FALSE(resealed.has_value());
  EXPECT_EQ(resealed.error().code, "sealed_secret_invalid");
  EXPECT_EQ(check(sealer_).value_or(0), 2u) << "the transaction rolled back";
  EXPECT_EQ(store_->read([&](store::Tx& tx) { return count_sealed_with_current(tx, next); }), 0u);
}

}  // namespace
}  // namespace twostep::activation
