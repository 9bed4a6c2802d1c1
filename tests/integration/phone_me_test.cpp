// Self-service phone numbers through a signed-in web session (issue 6, the seed's "I want to
// change my phone number, or add a secondary number"): the preferred method's number is
// verified before it is saved, an alternate is saved at once unless the organisation asks
// for verification of every change, the preferred method's phone cannot be removed, and
// every change is announced to the user's devices and by message.
#include <map>

#include <gtest/gtest.h>

#include "tests/integration/phone_support.hpp"
#include "tests/integration/push_support.hpp"

namespace twostep::itest {
namespace {

using boost::json::object;

constexpr const char* kNewMobile = "+31611223344";

std::string str(const boost::json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  const auto* found = v.as_object().if_contains(key);
  return found != nullptr && found->is_string() ? std::string(found->get_string()) : std::string();
}

std::string error_field(const testing::Response& r) {
  return r.json.is_object() && r.json.as_object().contains("error")
             ? str(r.json.at("error"), "field")
             : std::string();
}

class PhoneSelfService : public PhoneTest {
 protected:
  void SetUp() override {
    PhoneTest::SetUp();
    if (HasFatalFailure()) return;
    alice_ = create_user("alice");
    device_ = admin_phone(alice_);
    session_ = sign_in_with_totp(http(), "alice", kPassword, device_.secret);
    prefer("push");
  }

  testing::Response put(const std::string& type, const std::string& number) {
    return http().put("/v1/me/phones/" + type, object{{"number", number}},
                      session_.write_headers());
  }
  testing::Response confirm(const std::string& verification_id, const std::string& code) {
    return http().post("/v1/me/phones/verifications/" + verification_id, object{{"code", code}},
                       session_.write_headers());
  }
  void prefer(const std::string& method) {
    auto r = http().patch("/v1/me/preferences", object{{"preferred_method", method}},
                          session_.write_headers());
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  // The numbers of GET /v1/me/phones by type.
  std::map<std::string, std::string> numbers() {
    auto r = http().get("/v1/me/phones", session_.read_headers());
    EXPECT_EQ(r.status, 200u) << r.body;
    std::map<std::string, std::string> out;
    for (const auto& item : r.json.at("items").as_array()) {
      out[str(item, "type")] = str(item, "number");
    }
    return out;
  }

  std::string alice_;
  Phone device_;
  WebSession session_;
};

TEST_F(PhoneSelfService, PreferredMethodsNumberIsVerifiedBeforeItIsSaved) {
  auto first = put("mobile", "+31 6 12345678");
  ASSERT_EQ(first.status, 200u) << "push is preferred, so the mobile is saved at once: "
                                << first.body;
  EXPECT_EQ(str(first.json.at("phone"), "number"), kMobile);
  prefer("sms");

  auto pending = put("mobile", kNewMobile);
  ASSERT_EQ(pending.status, 202u) << pending.body;
  const std::string verification_id = str(pending.json, "verification_id");
  ASSERT_FALSE(verification_id.empty());
  EXPECT_EQ(numbers()["mobile"], kMobile) << "not saved before it is verified";
  const auto message = last_message_to(server(), kNewMobile);
  const std::string code = str(message, "code");
  ASSERT_EQ(code.size(), 6u) << "the code goes to the new number";

  auto wrong = confirm(verification_id, code == "000000" ? "111111" : "000000");
  EXPECT_EQ(wrong.status, 400u) << wrong.body;
  EXPECT_EQ(wrong.error_code(), "invalid_code");
  EXPECT_EQ(error_field(wrong), "code");

  auto saved = confirm(verification_id, code);
  ASSERT_EQ(saved.status, 200u) << saved.body;
  EXPECT_EQ(str(saved.json.at("phone"), "number"), kNewMobile);
  EXPECT_TRUE(saved.json.at("phone").at("verified").as_bool());
  EXPECT_EQ(numbers()["mobile"], kNewMobile);
  // The old number hears about the change (the independent channel), without a code.
  const auto notice = last_message_to(server(), kMobile);
  EXPECT_EQ(str(notice, "code"), "");
  EXPECT_EQ(str(notice, "purpose"), "notice");
  EXPECT_EQ(confirm(verification_id, code).status, 409u) << "a verification works once";
}

TEST_F(PhoneSelfService, AlternateIsSavedAtOnceUnlessEveryChangeMustBeVerified) {
  auto saved = put("alternate_mobile", kAlternate);
  ASSERT_EQ(saved.status, 200u) << saved.body;
  EXPECT_FALSE(saved.json.at("phone").at("verified").as_bool());
  EXPECT_EQ(numbers()["alternate_mobile"], kAlternate);

  patch_settings(object{{"verify_all_phone_changes", true}});
  auto pending = put("alternate_mobile", kNewMobile);
  ASSERT_EQ(pending.status, 202u) << pending.body;
  EXPECT_EQ(numbers()["alternate_mobile"], kAlternate);
  auto done = confirm(str(pending.json, "verification_id"),
                      str(last_message_to(server(), kNewMobile), "code"));
  EXPECT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(numbers()["alternate_mobile"], kNewMobile);
}

TEST_F(PhoneSelfService, ThePreferredMethodsPhoneCannotBeRemoved) {
  ASSERT_EQ(put("mobile", kMobile).status, 200u);
  prefer("sms");
  auto refused = http().del("/v1/me/phones/mobile", session_.write_headers());
  EXPECT_EQ(refused.status, 409u) << refused.body;
  EXPECT_EQ(refused.error_code(), "phone_required_by_preferred_method");
  EXPECT_EQ(numbers()["mobile"], kMobile);

  prefer("push");
  EXPECT_EQ(http().del("/v1/me/phones/mobile", session_.write_headers()).status, 204u);
  EXPECT_TRUE(numbers().empty());
  EXPECT_EQ(http().del("/v1/me/phones/mobile", session_.write_headers()).status, 404u);
}

TEST_F(PhoneSelfService, TextAsThePreferredMethodNeedsTheMobilePhone) {
  ASSERT_EQ(put("alternate_mobile", kAlternate).status, 200u);
  auto refused = http().patch("/v1/me/preferences", object{{"preferred_method", "sms"}},
                              session_.write_headers());
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(error_field(refused), "preferred_method");
  ASSERT_EQ(put("mobile", kMobile).status, 200u);
  prefer("sms");
}

TEST_F(PhoneSelfService, BadInputNamesTheField) {
  auto bad_type = put("desk", kMobile);
  EXPECT_EQ(bad_type.status, 400u) << bad_type.body;
  EXPECT_EQ(error_field(bad_type), "type");
  auto short_number = put("mobile", "12");
  EXPECT_EQ(short_number.status, 400u) << short_number.body;
  EXPECT_EQ(short_number.error_code(), "invalid_phone_number");
  EXPECT_EQ(error_field(short_number), "number");
  auto fixed_line = put("mobile", kOffice);
  EXPECT_EQ(fixed_line.status, 400u) << "a desk line cannot be the mobile phone";
  EXPECT_EQ(http().del("/v1/me/phones/desk", session_.write_headers()).status, 400u);
  EXPECT_EQ(confirm("pvf_unknown", "123456").status, 404u);
  EXPECT_TRUE(numbers().empty()) << "nothing was stored";
  // Without the session there is nothing to see.
  EXPECT_EQ(http().get("/v1/me/phones").status, 401u);
}

TEST_F(PhoneSelfService, AnExpiredVerificationIsRefused) {
  patch_settings(object{{"verify_all_phone_changes", true}});
  auto pending = put("alternate_mobile", kAlternate);
  ASSERT_EQ(pending.status, 202u) << pending.body;
  const std::string code = str(last_message_to(server(), kAlternate), "code");
  move_clock(std::chrono::minutes(11));
  auto expired = confirm(str(pending.json, "verification_id"), code);
  EXPECT_EQ(expired.status, 410u) << expired.body;
  EXPECT_EQ(expired.error_code(), "verification_expired");
  EXPECT_TRUE(numbers().empty());
}

TEST_F(PhoneSelfService, EveryChangeIsANoticeToTheUsersDevices) {
  TestDevice device(server().port(), device_.device_id, device_.key);
  ASSERT_GE(device.connect(), 0);
  ASSERT_EQ(put("alternate_mobile", kAlternate).status, 200u);
  std::optional<Frame> notice;
  while ((notice = device.next_of("notice")) && notice->str("event") != "phone_changed") {
  }
  ASSERT_TRUE(notice) << "the device is told about the new number";
  const auto& detail = notice->json.at("detail").as_object();
  EXPECT_EQ(str(detail, "phone"), "alternate_mobile");
  EXPECT_EQ(str(detail, "change"), "added");
  EXPECT_EQ(str(detail, "number").find(kAlternate), std::string::npos) << "masked";

  auto audit = http().get("/v1/audit?user=alice&type=phone.added", admin());
  ASSERT_EQ(audit.status, 200u) << audit.body;
  EXPECT_EQ(audit.json.at("items").as_array().size(), 1u);
}

}  // namespace
}  // namespace twostep::itest
