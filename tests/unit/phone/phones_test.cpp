// The phones table helpers that other modules reach through server/: the listing, the check
// before a preferred method changes, the sign-in methods phones offer, and re-registration.
#include "phone/phones.hpp"

#include "tests/unit/phone/fixture.hpp"

namespace twostep::phone::testing {
namespace {

using PhonesTable = PhoneTest;

TEST_P(PhonesTable, ListsPhonesInSlotOrder) {
  const auto alice = add_user("alice");
  put_phone(alice, PhoneType::kOffice, "+14255550100", "123");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  put_phone(alice, PhoneType::kAlternateMobile, "+447400123456");
  const auto phones = service_->list_phones(alice);
  ASSERT_EQ(phones.size(), 3u);
  EXPECT_EQ(phones[0].type, PhoneType::kMobile);
  EXPECT_EQ(phones[1].type, PhoneType::kAlternateMobile);
  EXPECT_EQ(phones[2].type, PhoneType::kOffice);
  EXPECT_EQ(phones[2].extension, "123");
  EXPECT_TRUE(service_->list_phones(add_user("bob")).empty());
}

TEST_P(PhonesTable, KnowsWhichPreferredMethodsThePhonesAllow) {
  const auto alice = add_user("alice");
  store_->read([&](store::Tx& tx) {
    EXPECT_FALSE(has_phone_for_method(tx, alice, "sms"));
    EXPECT_FALSE(has_phone_for_method(tx, alice, "voice"));
    EXPECT_TRUE(has_phone_for_method(tx, alice, "push"));
    EXPECT_TRUE(phone_methods(tx, alice).empty());
    return true;
  });
  put_phone(alice, PhoneType::kOffice, "+14255550100");
  store_->read([&](store::Tx& tx) {
    EXPECT_FALSE(has_phone_for_method(tx, alice, "voice"));  // the preferred phone is the mobile
    EXPECT_EQ(phone_methods(tx, alice), std::vector<std::string>{"voice"});
    return true;
  });
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  store_->read([&](store::Tx& tx) {
    EXPECT_TRUE(has_phone_for_method(tx, alice, "sms"));
    EXPECT_EQ(phone_methods(tx, alice), (std::vector<std::string>{"sms", "voice"}));
    return true;
  });
}

TEST_P(PhonesTable, ReRegistrationRemovesEveryPhoneAndEndsTheirCodes) {
  const auto alice = add_user("alice", "sms");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  put_phone(alice, PhoneType::kOffice, "+14255550100", "9");
  const auto tx = send_code(alice);
  ASSERT_TRUE(tx);
  ASSERT_TRUE(set(alice, PhoneType::kMobile, "+31687654321"));  // a pending verification
  const auto changes = store_->write([&](store::Tx& t) -> core::Result<std::vector<PhoneChange>> {
    return remove_all_phones(t, clock_, store::AuditContext{"admin:helpdesk", "", "c"}, alice);
  });
  ASSERT_TRUE(changes);
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].kind, ChangeKind::kRemoved);
  EXPECT_EQ((*changes)[0].old_e164, "+31612345678");
  EXPECT_EQ((*changes)[1].old_extension, "9");
  EXPECT_TRUE(service_->list_phones(alice).empty());
  EXPECT_EQ(audit_rows("phone.removed", "success"), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM phone_verifications WHERE status = 'pending'"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM phone_transactions WHERE status = 'pending'"), 0);
}

TWOSTEP_STORE_BACKENDS(PhonesTable);

}  // namespace
}  // namespace twostep::phone::testing
