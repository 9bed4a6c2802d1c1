// Codes, their keyed hashes and wording, and the small rules of the phone vocabulary.
#include "phone/codes.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <set>

#include "phone/types.hpp"

namespace twostep::phone {
namespace {

core::SecretBytes key(std::string_view text) { return core::SecretBytes::from_string(text); }

TEST(NewCode, IsSixDigitsAndVaries) {
  core::SeededRandom random(3);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string code = new_code(random);
    ASSERT_EQ(code.size(), kCodeDigits);
    EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos) << code;
    seen.insert(code);
  }
  EXPECT_GT(seen.size(), 190u);
}

TEST(CodeHasher, MatchesOnlyTheSameCodeForTheSameOwner) {
  const CodeHasher hasher(key("0123456789abcdef0123456789abcdef"));
  const std::string stored = hasher.hash("stx_a", "123456");
  EXPECT_EQ(stored.size(), 64u);
  EXPECT_EQ(stored.find("123456"), std::string::npos);
  EXPECT_TRUE(hasher.matches(stored, "stx_a", "123456"));
  EXPECT_FALSE(hasher.matches(stored, "stx_a", "123457"));
  EXPECT_FALSE(hasher.matches(stored, "stx_b", "123456"));  // bound to its owner
  EXPECT_FALSE(hasher.matches(stored, "stx_a", ""));
}

TEST(CodeHasher, DependsOnTheKey) {
  const CodeHasher a(key("0123456789abcdef0123456789abcdef"));
  const CodeHasher b(key("fedcba9876543210fedcba9876543210"));
  EXPECT_NE(a.hash("pvf_x", "000000"), b.hash("pvf_x", "000000"));
  EXPECT_THROW(CodeHasher(core::SecretBytes{}), std::invalid_argument);
}

TEST(NormaliseCode, DropsSpacesAndDashesOnly) {
  EXPECT_EQ(normalise_code("123 456"), "123456");
  EXPECT_EQ(normalise_code("123-456"), "123456");
  EXPECT_EQ(normalise_code("12a456"), "12a456");
}

TEST(CodeMessage, VoiceReadsTheCodeDigitByDigit) {
  const Message m = code_message(Channel::kVoice, Purpose::kSignIn, "+31201234567", "12", "123456",
                                 std::chrono::minutes(10));
  EXPECT_EQ(m.text, "Your twostep code is 1, 2, 3, 4, 5, 6. Again: 1, 2, 3, 4, 5, 6.");
  EXPECT_EQ(m.code, "123456");
  EXPECT_EQ(m.to, "+31201234567");
  EXPECT_EQ(m.extension, "12");
  EXPECT_EQ(m.channel, Channel::kVoice);
}

TEST(CodeMessage, SmsShowsTheCodeAndItsLifetime) {
  const Message sign_in = code_message(Channel::kSms, Purpose::kSignIn, "+31612345678", "",
                                       "042137", std::chrono::minutes(10));
  EXPECT_EQ(sign_in.text,
            "Your twostep sign-in code is 042137. It expires in 10 minutes. Never share it.");
  const Message verify = code_message(Channel::kSms, Purpose::kVerification, "+31612345678", "",
                                      "042137", std::chrono::seconds(60));
  EXPECT_EQ(verify.text,
            "Your twostep code to confirm this phone number is 042137. It expires in 1 minute. "
            "Never share it.");
  EXPECT_EQ(verify.purpose, Purpose::kVerification);
}

TEST(MessageJson, HasTheOutboxFieldsOfApiMd) {
  const Message m{Channel::kSms, "+31612345678", "", "Your code is 1", "1", Purpose::kSignIn};
  const auto json = message_json(m, core::from_unix_seconds(1'800'000'000));
  EXPECT_EQ(boost::json::serialize(json),
            R"({"time":"2027-01-15T08:00:00Z","channel":"sms","to":"+31612345678",)"
            R"("text":"Your code is 1","code":"1","purpose":"sign_in"})");
  const Message call{Channel::kVoice, "+14255550100", "123", "t", "", Purpose::kNotice};
  const auto with_extension = message_json(call, core::from_unix_seconds(0));
  EXPECT_EQ(with_extension.at("extension"), "123");
  EXPECT_EQ(with_extension.at("channel"), "voice");
  EXPECT_EQ(with_extension.at("purpose"), "notice");
}

TEST(PhoneTypes, RoundTripTheirNames) {
  for (PhoneType t : {PhoneType::kMobile, PhoneType::kAlternateMobile, PhoneType::kOffice}) {
    EXPECT_EQ(parse_phone_type(to_string(t)), t);
  }
  EXPECT_EQ(to_string(PhoneType::kAlternateMobile), "alternate_mobile");
  EXPECT_FALSE(parse_phone_type("home"));
  EXPECT_EQ(parse_channel("voice"), Channel::kVoice);
  EXPECT_FALSE(parse_channel("email"));
}

TEST(PhoneTypes, OfficePhonesTakeCallsOnly) {
  EXPECT_TRUE(supports(PhoneType::kMobile, Channel::kSms));
  EXPECT_TRUE(supports(PhoneType::kMobile, Channel::kVoice));
  EXPECT_TRUE(supports(PhoneType::kAlternateMobile, Channel::kSms));
  EXPECT_FALSE(supports(PhoneType::kOffice, Channel::kSms));
  EXPECT_TRUE(supports(PhoneType::kOffice, Channel::kVoice));
  EXPECT_EQ(default_channel(PhoneType::kOffice), Channel::kVoice);
  EXPECT_EQ(default_channel(PhoneType::kAlternateMobile), Channel::kSms);
}

TEST(PhoneTypes, SmsAndVoicePreferredMethodsUseTheMobilePhone) {
  EXPECT_EQ(phone_for_preferred_method("sms"), PhoneType::kMobile);
  EXPECT_EQ(phone_for_preferred_method("voice"), PhoneType::kMobile);
  EXPECT_FALSE(phone_for_preferred_method("push"));
  EXPECT_FALSE(phone_for_preferred_method("totp"));
  EXPECT_FALSE(phone_for_preferred_method(""));
}

TEST(PhoneSettings, CodeLifetimeStaysWithinTenMinutes) {
  PhoneSettings s;
  s.code_lifetime = std::chrono::hours(2);
  EXPECT_EQ(s.effective_code_lifetime(), std::chrono::seconds(600));
  s.code_lifetime = std::chrono::seconds(5);
  EXPECT_EQ(s.effective_code_lifetime(), std::chrono::seconds(60));
}

TEST(PhoneJson, ShowsNumberDisplayMethodsAndVerification) {
  Phone office{"usr_1",
               PhoneType::kOffice,
               "+14255550100",
               "123",
               std::nullopt,
               core::from_unix_seconds(0),
               core::from_unix_seconds(60)};
  const auto json = phone_to_json(office);
  EXPECT_EQ(json.at("type"), "office");
  EXPECT_EQ(json.at("number"), "+14255550100");
  EXPECT_EQ(json.at("extension"), "123");
  EXPECT_EQ(json.at("display"), "+1 425-555-0100 ext. 123");
  EXPECT_EQ(boost::json::serialize(json.at("methods")), R"(["voice"])");
  EXPECT_EQ(json.at("verified"), false);
  EXPECT_FALSE(json.contains("verified_at"));
  PhoneChange change{"usr_1",
                     PhoneType::kMobile,
                     ChangeKind::kChanged,
                     "+31612345678",
                     "",
                     "+31687654321",
                     "",
                     true,
                     core::from_unix_seconds(0)};
  EXPECT_EQ(boost::json::serialize(notice_detail(change)),
            R"({"phone":"mobile","change":"changed","number":"+31*******21","verified":true})");
}

}  // namespace
}  // namespace twostep::phone
