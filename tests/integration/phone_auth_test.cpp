// Sign-in codes through the application API over the real server (issue 6): POST
// /v1/auth/sms sends a code that the outbox file shows, POST …/code answers it, and GET
// /v1/auth/transactions/{txid} reports (and long-polls) "stx" transactions.
#include <chrono>
#include <future>
#include <regex>

#include <gtest/gtest.h>

#include "tests/integration/phone_support.hpp"

namespace twostep::itest {
namespace {

using boost::json::object;

std::string str(const testing::Response& r, std::string_view key) {
  if (!r.json.is_object()) return {};
  const auto* v = r.json.as_object().if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string str(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string error_field(const testing::Response& r) {
  if (!r.json.is_object() || !r.json.as_object().contains("error")) return {};
  return str(r.json.at("error").as_object(), "field");
}

class PhoneAuth : public PhoneTest {
 protected:
  void SetUp() override {
    PhoneTest::SetUp();
    if (HasFatalFailure()) return;
    alice_ = create_user("alice");
    store_phone(server(), alice_, "mobile", kMobile);
    store_phone(server(), alice_, "office", kOffice);
  }

  // Sends a code to alice's `phone` by `method`; the txid (a test failure unless 202).
  std::string send(const std::string& phone = "mobile", const std::string& method = "sms") {
    auto r = send_code(object{{"username", "alice"}, {"phone", phone}, {"method", method}});
    EXPECT_EQ(r.status, 202u) << r.body;
    return str(r, "txid");
  }

  std::string code_to(const std::string& e164) {
    return str(last_message_to(server(), e164), "code");
  }

  std::string wrong(const std::string& code) { return code == "000000" ? "111111" : "000000"; }

  std::string alice_;
};

TEST_F(PhoneAuth, SmsCodeApprovesAndIsReportedOnTheTransaction) {
  auto r = send_code(object{{"username", "alice"}});
  ASSERT_EQ(r.status, 202u) << r.body;
  EXPECT_EQ(str(r, "status"), "pending");
  EXPECT_FALSE(str(r, "expires_at").empty());
  const std::string txid = str(r, "txid");
  ASSERT_TRUE(txid.starts_with("stx")) << txid;

  const std::string code = code_to(kMobile);
  ASSERT_EQ(code.size(), 6u);
  auto pending = http().get("/v1/auth/transactions/" + txid, app_headers());
  ASSERT_EQ(pending.status, 200u) << pending.body;
  EXPECT_EQ(str(pending, "method"), "sms");
  EXPECT_EQ(str(pending, "status"), "pending");

  auto checked = check_code(txid, code);
  ASSERT_EQ(checked.status, 200u) << checked.body;
  EXPECT_EQ(str(checked, "status"), "approved");
  auto done = http().get("/v1/auth/transactions/" + txid, app_headers());
  EXPECT_EQ(str(done, "status"), "approved");
  EXPECT_EQ(str(done, "txid"), txid);
  // One use: the same code again is refused.
  EXPECT_EQ(check_code(txid, code).status, 409u);
}

TEST_F(PhoneAuth, OutboxLinesHaveTheDocumentedShape) {
  send("mobile", "sms");
  send("office", "voice");
  const auto lines = read_outbox(server());
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    for (const char* key : {"time", "channel", "to", "text", "code"}) {
      ASSERT_TRUE(line.contains(key) && line.at(key).is_string()) << key;
    }
    EXPECT_TRUE(std::regex_match(str(line, "time"),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));
    EXPECT_TRUE(std::regex_match(str(line, "to"), std::regex(R"(\+[1-9]\d{6,14})")));
    EXPECT_TRUE(std::regex_match(str(line, "code"), std::regex(R"(\d{6})")));
  }
  EXPECT_EQ(str(lines[0], "channel"), "sms");
  EXPECT_EQ(str(lines[0], "to"), kMobile);
  EXPECT_NE(str(lines[0], "text").find(str(lines[0], "code")), std::string::npos);
  EXPECT_EQ(str(lines[1], "channel"), "voice");
  EXPECT_EQ(str(lines[1], "to"), kOffice);
  // A call reads the code digit by digit.
  const std::string code = str(lines[1], "code");
  std::string spoken;
  for (char c : code) spoken += std::string(spoken.empty() ? "" : ", ") + c;
  EXPECT_NE(str(lines[1], "text").find(spoken), std::string::npos) << str(lines[1], "text");
}

TEST_F(PhoneAuth, VoiceOnlyToPhonesThatTakeCalls) {
  // The office phone takes calls only: a text to it is refused, naming the field.
  auto sms = send_code(object{{"username", "alice"}, {"phone", "office"}, {"method", "sms"}});
  EXPECT_EQ(sms.status, 400u) << sms.body;
  EXPECT_EQ(sms.error_code(), "unsupported_method");
  EXPECT_EQ(error_field(sms), "method");
  const std::string txid = send("office", "voice");
  auto status = http().get("/v1/auth/transactions/" + txid, app_headers());
  EXPECT_EQ(str(status, "method"), "voice");
  EXPECT_EQ(str(check_code(txid, code_to(kOffice)), "status"), "approved");
  // A mobile phone takes both.
  const std::string by_call = send("mobile", "voice");
  EXPECT_EQ(str(last_message_to(server(), kMobile), "channel"), "voice");
  EXPECT_FALSE(by_call.empty());
}

TEST_F(PhoneAuth, WrongCodesCountTowardLockoutAndANewCodeNeverResetsThem) {
  patch_settings(object{{"lockout_threshold", 4}, {"lockout_minutes", 5}});
  const std::string first = send();
  const std::string first_code = code_to(kMobile);
  auto denied = check_code(first, wrong(first_code));
  ASSERT_EQ(denied.status, 200u) << denied.body;
  EXPECT_EQ(str(denied, "status"), "denied");
  EXPECT_EQ(str(denied, "reason"), "invalid_code");
  EXPECT_EQ(str(check_code(first, wrong(first_code)), "reason"), "invalid_code");

  // A new code supersedes the first one but keeps the two failures.
  const std::string second = send();
  const std::string second_code = code_to(kMobile);
  EXPECT_EQ(str(check_code(second, wrong(second_code)), "reason"), "invalid_code");
  auto locked = check_code(second, wrong(second_code));
  EXPECT_EQ(str(locked, "status"), "denied");
  EXPECT_EQ(str(locked, "reason"), "locked_out") << locked.body;
  // Locked: no new code is sent, and the lock says when to come back.
  auto refused = send_code(object{{"username", "alice"}});
  EXPECT_EQ(refused.status, 423u) << refused.body;
  EXPECT_EQ(refused.error_code(), "locked_out");
  EXPECT_FALSE(refused.header("retry-after").empty());
}

TEST_F(PhoneAuth, SendingIsRateLimitedWithRetryAfter) {
  // Three codes per number within the window; the fourth waits.
  for (int i = 0; i < 3; ++i) send();
  auto limited = send_code(object{{"username", "alice"}});
  EXPECT_EQ(limited.status, 429u) << limited.body;
  EXPECT_EQ(limited.error_code(), "too_many_codes");
  EXPECT_FALSE(limited.header("retry-after").empty());
  EXPECT_GT(std::stoi(std::string(limited.header("retry-after"))), 0);
  EXPECT_FALSE(limited.error_correlation_id().empty());
  EXPECT_EQ(read_outbox(server()).size(), 3u) << "a refused send sends nothing";
}

TEST_F(PhoneAuth, LongPollReturnsWhenTheCodeIsAnswered) {
  const std::string txid = send();
  const std::string code = code_to(kMobile);
  testing::HttpsClient poller = server().client();
  const auto started = std::chrono::steady_clock::now();
  auto polled = std::async(std::launch::async, [&] {
    return poller.get("/v1/auth/transactions/" + txid + "?wait=12", app_headers());
  });
  // Let the poll reach the server before answering.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(str(check_code(txid, code), "status"), "approved");
  auto result = polled.get();
  EXPECT_EQ(result.status, 200u) << result.body;
  EXPECT_EQ(str(result, "status"), "approved");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(8));
}

TEST_F(PhoneAuth, AnotherApplicationCannotReadOrAnswerTheTransaction) {
  const std::string txid = send();
  const std::string other = create_application("Wiki");
  auto read = http().get("/v1/auth/transactions/" + txid, app_headers(other));
  EXPECT_EQ(read.status, 404u) << read.body;
  EXPECT_EQ(read.error_code(), "transaction_not_found");
  auto answer = http().post("/v1/auth/transactions/" + txid + "/code",
                            object{{"code", code_to(kMobile)}}, app_headers(other));
  EXPECT_EQ(answer.status, 404u) << answer.body;
  // Still pending for its own application.
  EXPECT_EQ(str(http().get("/v1/auth/transactions/" + txid, app_headers()), "status"), "pending");
}

TEST_F(PhoneAuth, UnknownUserLooksLikeAUserWithoutThatPhone) {
  auto unknown = send_code(object{{"username", "nobody"}});
  auto no_phone = send_code(object{{"username", "alice"}, {"phone", "alternate_mobile"}});
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.status, no_phone.status);
  EXPECT_EQ(unknown.error_code(), "phone_not_found");
  EXPECT_EQ(unknown.error_code(), no_phone.error_code());
  EXPECT_FALSE(unknown.error_correlation_id().empty());
  EXPECT_EQ(unknown.error_correlation_id(), std::string(unknown.header("x-correlation-id")));
}

TEST_F(PhoneAuth, BadInputNamesTheField) {
  auto bad_phone = send_code(object{{"username", "alice"}, {"phone", "desk"}});
  EXPECT_EQ(bad_phone.status, 400u);
  EXPECT_EQ(error_field(bad_phone), "phone");
  auto bad_method = send_code(object{{"username", "alice"}, {"method", "fax"}});
  EXPECT_EQ(bad_method.status, 400u);
  EXPECT_EQ(error_field(bad_method), "method");
  auto no_code = http().post("/v1/auth/transactions/stx_unknown/code", object{}, app_headers());
  EXPECT_EQ(no_code.status, 400u);
  EXPECT_EQ(error_field(no_code), "code");
  auto unknown = check_code("stx_unknown", "123456");
  EXPECT_EQ(unknown.status, 404u);
  // The admin API is no place for an application key, and the auth API needs one.
  EXPECT_EQ(http().post("/v1/auth/sms", object{{"username", "alice"}}).status, 401u);
}

TEST_F(PhoneAuth, PhonesAppearInTheMethodsListing) {
  auto methods = http().get("/v1/users/alice/methods", admin());
  ASSERT_EQ(methods.status, 200u) << methods.body;
  const auto& phones = methods.json.at("phones").as_array();
  ASSERT_EQ(phones.size(), 2u);
  EXPECT_EQ(str(phones[0].as_object(), "type"), "mobile");
  EXPECT_EQ(str(phones[0].as_object(), "number"), kMobile);
  EXPECT_EQ(str(phones[1].as_object(), "type"), "office");
}

}  // namespace
}  // namespace twostep::itest
