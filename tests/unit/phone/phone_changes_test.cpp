// The seed's rules for changing phone numbers: the number the preferred method uses is
// verified with a code before it is saved; an alternate number is saved at once unless every
// change must be verified; removing the phone the preferred method needs is refused; every
// change is audited and announced to the old number.
#include "tests/unit/phone/fixture.hpp"

namespace twostep::phone::testing {
namespace {

using std::chrono::seconds;

class PhoneChanges : public PhoneTest {
 protected:
  // Starts a change that must be verified and returns it.
  PendingVerification pending(const std::string& user, PhoneType type, const std::string& number) {
    auto out = set(user, type, number);
    EXPECT_TRUE(out) << out.error().code;
    EXPECT_TRUE(out && std::holds_alternative<PendingVerification>(*out));
    return out ? std::get<PendingVerification>(*out) : PendingVerification{};
  }
  std::string verification_status(const std::string& id) {
    return store_->read([&](store::Tx& tx) {
      return tx.query_one("SELECT status FROM phone_verifications WHERE id = ?", {id})->text(0);
    });
  }
};

// The seed: "If this is the number that you use for your preferred verification option, you
// have to verify the new number before you can save it."
TEST_P(PhoneChanges, ChangingThePrimaryPhoneOfTheSmsMethodIsVerifiedFirst) {
  const auto alice = add_user("alice", "sms");
  put_phone(alice, PhoneType::kMobile, "+31612345678");

  const auto wait = pending(alice, PhoneType::kMobile, "+31 6 87654321");
  EXPECT_TRUE(wait.verification_id.starts_with("pvf_"));
  EXPECT_EQ(wait.number_masked, "+31*******21");
  EXPECT_EQ(wait.expires_at, clock_.now() + seconds(600));
  EXPECT_EQ(stored_number(alice, PhoneType::kMobile), "+31612345678");  // not saved yet
  ASSERT_EQ(provider_.sent.size(), 1u);
  EXPECT_EQ(provider_.last().to, "+31687654321");  // the code goes to the new number
  EXPECT_EQ(provider_.last().channel, Channel::kSms);
  EXPECT_EQ(provider_.last().purpose, Purpose::kVerification);
  EXPECT_EQ(provider_.last().code.size(), 6u);

  const auto saved = confirm(alice, wait.verification_id, last_code());
  ASSERT_TRUE(saved) << saved.error().code;
  EXPECT_EQ(saved->phone.e164, "+31687654321");
  EXPECT_EQ(saved->phone.verified_at, clock_.now());
  ASSERT_TRUE(saved->change);
  EXPECT_EQ(saved->change->kind, ChangeKind::kChanged);
  EXPECT_EQ(saved->change->old_e164, "+31612345678");
  EXPECT_EQ(saved->change->new_e164, "+31687654321");
  EXPECT_TRUE(saved->change->verified);
  EXPECT_EQ(stored_number(alice, PhoneType::kMobile), "+31687654321");
  EXPECT_EQ(verification_status(wait.verification_id), "confirmed");
  EXPECT_EQ(audit_rows("phone.verification_started", "success"), 1);
  EXPECT_EQ(audit_rows("phone.verification", "success"), 1);
  EXPECT_EQ(audit_rows("phone.changed", "success"), 1);
}

TEST_P(PhoneChanges, TheVoiceMethodAlsoProtectsTheMobilePhone) {
  const auto bob = add_user("bob", "voice");
  const auto out = set(bob, PhoneType::kMobile, "06 12345678");
  ASSERT_TRUE(out);
  EXPECT_TRUE(std::holds_alternative<PendingVerification>(*out));
  EXPECT_EQ(stored_number(bob, PhoneType::kMobile), "");
}

// The seed: "To add a secondary phone number … Select Save and your changes are finished."
TEST_P(PhoneChanges, AnAlternatePhoneIsSavedAtOnce) {
  const auto alice = add_user("alice", "sms");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  const auto out = set(alice, PhoneType::kAlternateMobile, "+44 7400 123456");
  ASSERT_TRUE(out) << out.error().code;
  const auto& saved = std::get<SavedPhone>(*out);
  EXPECT_EQ(saved.phone.e164, "+447400123456");
  EXPECT_FALSE(saved.phone.verified_at);
  ASSERT_TRUE(saved.change);
  EXPECT_EQ(saved.change->kind, ChangeKind::kAdded);
  EXPECT_EQ(saved.change->old_e164, "");
  EXPECT_FALSE(saved.change->verified);
  EXPECT_TRUE(provider_.sent.empty());
  EXPECT_EQ(stored_number(alice, PhoneType::kAlternateMobile), "+447400123456");
  EXPECT_EQ(audit_rows("phone.added", "success"), 1);
}

TEST_P(PhoneChanges, TheMobilePhoneIsSavedAtOnceWhenThePreferredMethodIsNotAPhone) {
  const auto carol = add_user("carol", "push");
  put_phone(carol, PhoneType::kMobile, "+31612345678");
  const auto out = set(carol, PhoneType::kMobile, "+31687654321");
  ASSERT_TRUE(out);
  EXPECT_TRUE(std::holds_alternative<SavedPhone>(*out));
  EXPECT_EQ(stored_number(carol, PhoneType::kMobile), "+31687654321");
}

TEST_P(PhoneChanges, TheVerifyAllSettingVerifiesEveryChange) {
  settings_.verify_all_changes = true;
  const auto alice = add_user("alice", "push");
  const auto wait = pending(alice, PhoneType::kAlternateMobile, "+44 7400 123456");
  EXPECT_EQ(stored_number(alice, PhoneType::kAlternateMobile), "");
  const auto office = pending(alice, PhoneType::kOffice, "+1 425 555 0100 x123");
  EXPECT_EQ(office.channel, Channel::kVoice);  // an office phone is called
  EXPECT_EQ(provider_.last().extension, "123");
  EXPECT_NE(provider_.last().text.find(", "), std::string::npos);  // digits read one by one
  ASSERT_TRUE(confirm(alice, office.verification_id, last_code()));
  EXPECT_EQ(stored_number(alice, PhoneType::kOffice), "+14255550100");
  EXPECT_EQ(stored_number(alice, PhoneType::kAlternateMobile), "");
}

TEST_P(PhoneChanges, SavingTheSameNumberAgainChangesNothing) {
  const auto alice = add_user("alice", "sms");
  put_phone(alice, PhoneType::kMobile, "+31612345678", "", true);
  const auto out = set(alice, PhoneType::kMobile, "06-12345678");
  ASSERT_TRUE(out);
  const auto& saved = std::get<SavedPhone>(*out);
  EXPECT_FALSE(saved.change);
  EXPECT_TRUE(provider_.sent.empty());
  EXPECT_EQ(audit_rows("phone.changed"), 0);
}

// A mobile number saved while the preferred method was push was never proven; once it is
// the preferred method's number, saving it again asks for the code.
TEST_P(PhoneChanges, AnUnprovenNumberCanBeVerifiedWithoutChangingIt) {
  const auto alice = add_user("alice", "push");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  const auto asked = service_->set_phone(
      SetPhoneRequest{alice, PhoneType::kMobile, "+31612345678", std::nullopt, true}, settings_,
      who_);
  ASSERT_TRUE(asked);
  const auto& wait = std::get<PendingVerification>(*asked);
  EXPECT_EQ(provider_.last().to, "+31612345678");
  const auto saved = confirm(alice, wait.verification_id, last_code());
  ASSERT_TRUE(saved);
  EXPECT_FALSE(saved->change);  // the same number, now proven
  EXPECT_EQ(saved->phone.verified_at, clock_.now());
  EXPECT_EQ(audit_rows("phone.changed"), 0);
  // Proven now, so the rule has nothing more to ask.
  const auto again = service_->set_phone(
      SetPhoneRequest{alice, PhoneType::kMobile, "+31612345678", std::nullopt, true}, settings_,
      who_);
  ASSERT_TRUE(again);
  EXPECT_TRUE(std::holds_alternative<SavedPhone>(*again));
  EXPECT_EQ(provider_.sent.size(), 1u);
}

TEST_P(PhoneChanges, AWrongCodeIsRefusedAndCountsTowardLockout) {
  const auto alice = add_user("alice", "sms");
  const auto wait = pending(alice, PhoneType::kMobile, "+31687654321");
  const std::string code = last_code();
  const auto bad = confirm(alice, wait.verification_id, wrong(code));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_EQ(bad.error().code, "invalid_code");
  EXPECT_EQ(bad.error().field, "code");
  EXPECT_EQ(failed_attempts(alice), 1);
  EXPECT_EQ(audit_rows("phone.verification", "failure"), 1);
  EXPECT_EQ(stored_number(alice, PhoneType::kMobile), "");
  // The same code may still be entered correctly, with spaces as people type them.
  ASSERT_TRUE(confirm(alice, wait.verification_id, code.substr(0, 3) + " " + code.substr(3)));
  EXPECT_EQ(stored_number(alice, PhoneType::kMobile), "+31687654321");
  // Proving the new number is no sign-in: the failure stays counted.
  EXPECT_EQ(failed_attempts(alice), 1);
}

TEST_P(PhoneChanges, TooManyWrongCodesVoidTheVerification) {
  const auto alice = add_user("alice", "sms");
  const auto wait = pending(alice, PhoneType::kMobile, "+31687654321");
  const std::string code = last_code();
  for (int i = 0; i < settings_.max_code_attempts; ++i) {
    EXPECT_EQ(confirm(alice, wait.verification_id, wrong(code)).error().code, "invalid_code");
  }
  EXPECT_EQ(verification_status(wait.verification_id), "cancelled");
  const auto late = confirm(alice, wait.verification_id, code);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "verification_cancelled");
  EXPECT_EQ(late.error().kind, core::ErrorKind::kConflict);
}

TEST_P(PhoneChanges, AnExpiredCodeIsRefused) {
  const auto alice = add_user("alice", "sms");
  const auto wait = pending(alice, PhoneType::kMobile, "+31687654321");
  clock_.advance(seconds(600));
  const auto late = confirm(alice, wait.verification_id, last_code());
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind, core::ErrorKind::kGone);
  EXPECT_EQ(late.error().code, "verification_expired");
  EXPECT_EQ(verification_status(wait.verification_id), "expired");
  EXPECT_EQ(stored_number(alice, PhoneType::kMobile), "");
}

TEST_P(PhoneChanges, ACodeIsValidUpToItsLastSecond) {
  const auto alice = add_user("alice", "sms");
  const auto wait = pending(alice, PhoneType::kMobile, "+31687654321");
  clock_.advance(seconds(599));
  EXPECT_TRUE(confirm(alice, wait.verification_id, last_code()));
}

TEST_P(PhoneChanges, ANewCodeNeverResetsTheFailureCount) {
  const auto alice = add_user("alice", "sms");
  const auto first = pending(alice, PhoneType::kMobile, "+31687654321");
  const std::string first_code = last_code();
  ASSERT_FALSE(confirm(alice, first.verification_id, wrong(first_code)));
  EXPECT_EQ(failed_attempts(alice), 1);

  const auto second = pending(alice, PhoneType::kMobile, "+31687654321");
  EXPECT_EQ(failed_attempts(alice), 1);
  // The older verification was superseded and its code no longer works.
  EXPECT_EQ(confirm(alice, first.verification_id, first_code).error().code,
            "verification_cancelled");
  ASSERT_FALSE(confirm(alice, second.verification_id, wrong(last_code())));
  EXPECT_EQ(failed_attempts(alice), 2);
  ASSERT_TRUE(confirm(alice, second.verification_id, last_code()));
  EXPECT_EQ(failed_attempts(alice), 2);
}

TEST_P(PhoneChanges, WrongCodesLockTheUserAndALockedUsersCodeIsNotChecked) {
  settings_.lockout = {2, 15};
  const auto alice = add_user("alice", "sms");
  const auto wait = pending(alice, PhoneType::kMobile, "+31687654321");
  ASSERT_EQ(confirm(alice, wait.verification_id, wrong(last_code())).error().code, "invalid_code");
  const auto locked = confirm(alice, wait.verification_id, wrong(last_code()));
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().kind, core::ErrorKind::kLocked);
  EXPECT_EQ(locked.error().code, "locked_out");
  EXPECT_EQ(locked.error().retry_after, std::chrono::minutes(15));
  EXPECT_EQ(audit_rows("user.locked_out", "locked"), 1);
  // Even the right code is not accepted while the lock lasts.
  settings_.max_code_attempts = 10;
  const auto still = confirm(alice, wait.verification_id, last_code());
  ASSERT_FALSE(still);
  EXPECT_EQ(still.error().code, "locked_out");
  EXPECT_EQ(stored_number(alice, PhoneType::kMobile), "");
}

TEST_P(PhoneChanges, AVerificationBelongsToItsUserAndIsUsedOnce) {
  const auto alice = add_user("alice", "sms");
  const auto mallory = add_user("mallory");
  const auto wait = pending(alice, PhoneType::kMobile, "+31687654321");
  const auto theirs = confirm(mallory, wait.verification_id, last_code());
  ASSERT_FALSE(theirs);
  EXPECT_EQ(theirs.error().code, "verification_not_found");
  EXPECT_EQ(theirs.error().kind, core::ErrorKind::kNotFound);
  ASSERT_TRUE(confirm(alice, wait.verification_id, last_code()));
  EXPECT_EQ(confirm(alice, wait.verification_id, last_code()).error().code, "verification_used");
  EXPECT_EQ(confirm(alice, "pvf_unknown", "123456").error().code, "verification_not_found");
}

TEST_P(PhoneChanges, AnUndeliverableCodeIsReportedAndCancelled) {
  const auto alice = add_user("alice", "sms");
  provider_.fail = true;
  const auto out = set(alice, PhoneType::kMobile, "+31687654321");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, core::ErrorKind::kUnavailable);
  EXPECT_EQ(out.error().code, "delivery_failed");
  EXPECT_EQ(provider_.sent.size(), 1u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM phone_verifications WHERE status = 'cancelled' AND "
                   "reason = 'delivery_failed'"),
            1);
  EXPECT_EQ(audit_rows("phone.delivery_failed", "failure"), 1);
}

TEST_P(PhoneChanges, InvalidNumbersAndSlotMismatchesAreRefusedNamingTheField) {
  const auto alice = add_user("alice", "push");
  for (const auto& [type, number] : std::vector<std::pair<PhoneType, std::string>>{
           {PhoneType::kMobile, "12"},
           {PhoneType::kMobile, "call me"},
           {PhoneType::kMobile, "+31 20 123 4567"},               // a Dutch fixed line
           {PhoneType::kAlternateMobile, "+1 425 555 0100 x12"},  // extension on a mobile
           {PhoneType::kOffice, "+1 800 555 0199"},               // toll-free
           {PhoneType::kOffice, "+44 909 879 0000"}}) {           // premium rate
    const auto out = set(alice, type, number);
    ASSERT_FALSE(out) << number;
    EXPECT_EQ(out.error().code, "invalid_phone_number") << number;
    EXPECT_EQ(out.error().field, "number") << number;
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM phones"), 0);
  const auto office = set(alice, PhoneType::kOffice, "+31 20 123 4567 ext. 42");
  ASSERT_TRUE(office);
  EXPECT_EQ(std::get<SavedPhone>(*office).phone.extension, "42");
  const auto sms_office = service_->set_phone(
      SetPhoneRequest{alice, PhoneType::kOffice, "+31 20 123 4568", Channel::kSms, false},
      settings_, who_);
  ASSERT_FALSE(sms_office);
  EXPECT_EQ(sms_office.error().code, "unsupported_method");
}

TEST_P(PhoneChanges, TheAlternatePhoneMustDifferFromTheMobilePhone) {
  const auto alice = add_user("alice", "push");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  const auto out = set(alice, PhoneType::kAlternateMobile, "06 12345678");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "duplicate_phone_number");
  EXPECT_EQ(out.error().kind, core::ErrorKind::kConflict);
}

TEST_P(PhoneChanges, BlockedAndDisabledUsersCannotChangePhones) {
  const auto blocked = add_user("blocked", "", "blocked");
  const auto disabled = add_user("disabled", "", "disabled");
  EXPECT_EQ(set(blocked, PhoneType::kMobile, "+31612345678").error().code, "user_blocked");
  EXPECT_EQ(set(disabled, PhoneType::kMobile, "+31612345678").error().code, "user_disabled");
  EXPECT_EQ(set("usr_nobody", PhoneType::kMobile, "+31612345678").error().code, "user_not_found");
}

TEST_P(PhoneChanges, VerificationSendsAreRateLimitedPerNumber) {
  const auto alice = add_user("alice", "sms");
  for (int i = 0; i < settings_.limits.per_number; ++i) {
    pending(alice, PhoneType::kMobile, "+31687654321");
    clock_.advance(seconds(10));
  }
  const auto out = set(alice, PhoneType::kMobile, "+31687654321");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(out.error().code, "too_many_codes");
  EXPECT_EQ(out.error().retry_after, seconds(600 - 30));
  EXPECT_EQ(audit_rows("phone.verification_started", "refused"), 1);
  EXPECT_EQ(provider_.sent.size(), 3u);
}

TEST_P(PhoneChanges, RemovingThePhoneThePreferredMethodNeedsIsRefused) {
  const auto alice = add_user("alice", "sms");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  put_phone(alice, PhoneType::kAlternateMobile, "+447400123456");
  const auto refused = service_->remove_phone(alice, PhoneType::kMobile, who_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, core::ErrorKind::kConflict);
  EXPECT_EQ(refused.error().code, "phone_required_by_preferred_method");
  EXPECT_EQ(stored_number(alice, PhoneType::kMobile), "+31612345678");

  const auto removed = service_->remove_phone(alice, PhoneType::kAlternateMobile, who_);
  ASSERT_TRUE(removed) << removed.error().code;
  EXPECT_EQ(removed->kind, ChangeKind::kRemoved);
  EXPECT_EQ(removed->old_e164, "+447400123456");
  EXPECT_EQ(removed->new_e164, "");
  EXPECT_EQ(stored_number(alice, PhoneType::kAlternateMobile), "");
  EXPECT_EQ(audit_rows("phone.removed", "success"), 1);
  EXPECT_EQ(service_->remove_phone(alice, PhoneType::kAlternateMobile, who_).error().code,
            "phone_not_found");
}

TEST_P(PhoneChanges, ChangingANumberEndsSignInCodesSentToTheOldOne) {
  const auto alice = add_user("alice", "push");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  const auto tx = send_code(alice);
  ASSERT_TRUE(tx);
  const std::string code = last_code();
  ASSERT_TRUE(set(alice, PhoneType::kMobile, "+31687654321"));
  EXPECT_EQ(changed_txids_, std::vector<std::string>{tx->txid});
  EXPECT_EQ(verify(tx->txid, code).error().code, "transaction_already_answered");
}

TEST_P(PhoneChanges, TheOldNumberHearsAboutAChange) {
  const auto alice = add_user("alice", "push");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  const auto out = set(alice, PhoneType::kMobile, "+31687654321");
  ASSERT_TRUE(out);
  const auto& change = *std::get<SavedPhone>(*out).change;
  ASSERT_TRUE(service_->send_change_notice(change, who_));
  ASSERT_EQ(provider_.sent.size(), 1u);
  const Message& m = provider_.last();
  EXPECT_EQ(m.to, "+31612345678");
  EXPECT_EQ(m.channel, Channel::kSms);
  EXPECT_EQ(m.purpose, Purpose::kNotice);
  EXPECT_EQ(m.code, "");
  EXPECT_NE(m.text.find("mobile phone number on your account was changed to +31*******21"),
            std::string::npos)
      << m.text;
  EXPECT_EQ(m.text.find("87654321"), std::string::npos);  // the new number stays masked
  EXPECT_EQ(audit_rows("phone.notice_sent", "success"), 1);
}

TEST_P(PhoneChanges, AnAddedPhoneIsAnnouncedToTheUsersOtherPhone) {
  const auto alice = add_user("alice", "push");
  put_phone(alice, PhoneType::kOffice, "+14255550100", "123");
  const auto out = set(alice, PhoneType::kAlternateMobile, "+447400123456");
  ASSERT_TRUE(out);
  ASSERT_TRUE(service_->send_change_notice(*std::get<SavedPhone>(*out).change, who_));
  ASSERT_EQ(provider_.sent.size(), 1u);
  EXPECT_EQ(provider_.last().to, "+14255550100");
  EXPECT_EQ(provider_.last().channel, Channel::kVoice);  // the office phone is called
  EXPECT_EQ(provider_.last().extension, "123");

  // A first phone has no one else to tell.
  const auto bob = add_user("bob", "push");
  const auto first = set(bob, PhoneType::kMobile, "+31612345678");
  ASSERT_TRUE(service_->send_change_notice(*std::get<SavedPhone>(*first).change, who_));
  EXPECT_EQ(provider_.sent.size(), 1u);
}

TEST_P(PhoneChanges, AnUndeliverableNoticeIsAuditedAndReported) {
  const auto alice = add_user("alice", "push");
  put_phone(alice, PhoneType::kMobile, "+31612345678");
  const auto removed = service_->remove_phone(alice, PhoneType::kMobile, who_);
  ASSERT_TRUE(removed);
  provider_.fail = true;
  const auto sent = service_->send_change_notice(*removed, who_);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "delivery_failed");
  EXPECT_EQ(audit_rows("phone.notice_sent", "failure"), 1);
}

TWOSTEP_STORE_BACKENDS(PhoneChanges);

}  // namespace
}  // namespace twostep::phone::testing
