// Push delivery over the real server: who gets a push and when (SPEC.md capability 5).
#include <string>

#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include "push_support.hpp"

namespace twostep::itest {
namespace {

// Whether any value anywhere in `value` is the number, as a string or as a number. A search
// of the frame's text would also match "Firefox 128" when the number is 28.
bool holds_number(const boost::json::value& value, int number) {
  if (value.is_object()) {
    for (const auto& field : value.as_object()) {
      if (holds_number(field.value(), number)) return true;
    }
    return false;
  }
  if (value.is_array()) {
    for (const auto& item : value.as_array()) {
      if (holds_number(item, number)) return true;
    }
    return false;
  }
  if (value.is_string()) return value.as_string() == std::to_string(number);
  return value.is_int64() && value.as_int64() == number;
}

TEST(PushDelivery, ReachesEveryConnectedDeviceOfTheUserAndNoOneElse) {
  Environment env;
  env.admin.create_user("alice");
  env.admin.create_user("bob");
  TestDevice pixel = env.admin.activate_device("alice", "Pixel");
  TestDevice ipad = env.admin.activate_device("alice", "iPad");
  TestDevice bobs = env.admin.activate_device("bob", "Bob's phone");
  ASSERT_EQ(pixel.connect(), 0);
  ASSERT_EQ(ipad.connect(), 0);
  ASSERT_EQ(bobs.connect(), 0);

  const Response created = env.app.push("alice");
  ASSERT_EQ(created.status, 202u) << created.body;
  const std::string txid = created.str("txid");
  EXPECT_TRUE(txid.starts_with("ptx_"));
  EXPECT_EQ(created.str("status"), "pending");
  const int number = std::stoi(created.str("number"));
  EXPECT_GE(number, 10);
  EXPECT_LE(number, 99);
  EXPECT_FALSE(created.str("expires_at").empty());

  for (TestDevice* device : {&pixel, &ipad}) {
    auto push = device->next_of("push");
    ASSERT_TRUE(push) << device->id();
    EXPECT_EQ(push->str("txid"), txid);
    EXPECT_EQ(push->str("expires_at"), created.str("expires_at"));
    const auto& context = push->json.at("context").as_object();
    EXPECT_EQ(context.at("app").as_string(), "VPN");
    EXPECT_EQ(context.at("ip").as_string(), "203.0.113.7");
    EXPECT_EQ(context.at("location").as_string(), "Lisbon, PT");
    EXPECT_EQ(context.at("browser").as_string(), "Firefox 128");
    EXPECT_FALSE(push->json.contains("number")) << "the number is typed by the user";
    EXPECT_FALSE(holds_number(push->json, number)) << push->text;
  }
  EXPECT_TRUE(bobs.silent_for(500ms)) << "bob's device must not see alice's push";
}

TEST(PushDelivery, DeviceThatConnectsLaterGetsWhatIsStillPending) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice online = env.admin.activate_device("alice", "Pixel");
  TestDevice offline = env.admin.activate_device("alice", "iPad");
  ASSERT_EQ(online.connect(), 0);

  const std::string first = env.app.push("alice").str("txid");
  const std::string second = env.app.push("alice").str("txid");
  ASSERT_TRUE(online.next_of("push"));
  // The first is answered before the offline device connects: only the second still waits.
  ASSERT_TRUE(online.next_of("push"));
  online.respond(first, "deny", "");
  ASSERT_TRUE(online.next_of("result"));

  ASSERT_EQ(offline.connect(), 1) << "ready.pending counts what waits for the device";
  auto push = offline.next_of("push");
  ASSERT_TRUE(push);
  EXPECT_EQ(push->str("txid"), second);
  EXPECT_EQ(push->json.at("context").at("app").as_string(), "VPN");
}

TEST(PushDelivery, ExpiresAfterTheTimeoutAndTellsDevicesAndPollers) {
  Environment env;
  env.admin.patch_settings(R"({"push_timeout_seconds": 10})");
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  const std::string txid = env.app.push("alice").str("txid");
  ASSERT_TRUE(phone.next_of("push"));

  // The long poll is woken by the expiry sweep, well before its own 30 s limit.
  const auto start = std::chrono::steady_clock::now();
  const Response status = env.app.status(txid, 30);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.str("status"), "expired") << status.body;
  EXPECT_EQ(status.str("reason"), "timeout");
  EXPECT_LT(waited, 20s);

  auto cancel = phone.next_of("cancel", 5s);
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->str("txid"), txid);
  // A late answer changes nothing; the device is told to drop the request.
  phone.respond(txid, "approve", "42");
  auto late = phone.next(5s);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->type, "cancel");
  EXPECT_EQ(env.app.status(txid).str("status"), "expired");
  EXPECT_EQ(phone.connect(), 0) << "an expired push is not sent on connect";
}

TEST(PushDelivery, FatigueLimitsRefuseWith429) {
  Environment env;  // defaults: 3 outstanding, 5 a minute
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);

  std::vector<std::string> txids;
  for (int i = 0; i < 3; ++i) {
    const Response r = env.app.push("alice");
    ASSERT_EQ(r.status, 202u) << r.body;
    txids.push_back(r.str("txid"));
  }
  const Response outstanding = env.app.push("alice");
  EXPECT_EQ(outstanding.status, 429u);
  EXPECT_EQ(outstanding.error_code(), "too_many_pushes");
  EXPECT_FALSE(outstanding.retry_after.empty());

  for (const auto& txid : txids) {
    phone.respond(txid, "deny", "");
    ASSERT_TRUE(phone.next_of("result"));
  }
  for (int i = 0; i < 2; ++i) EXPECT_EQ(env.app.push("alice").status, 202u);
  const Response per_minute = env.app.push("alice");
  EXPECT_EQ(per_minute.status, 429u);
  EXPECT_EQ(per_minute.error_code(), "too_many_pushes");
  EXPECT_GE(std::stoi(per_minute.retry_after), 1);

  const Response audit = env.admin.call("GET", "/v1/audit?type=push.request&limit=50");
  ASSERT_EQ(audit.status, 200u) << audit.body;
  int refused = 0;
  for (const auto& item : audit.json.at("items").as_array()) {
    if (item.at("result").as_string() == "refused") ++refused;
  }
  EXPECT_EQ(refused, 2) << "every fatigue refusal is audited";
}

TEST(PushDelivery, RefusesUsersWithoutAnActiveDeviceAndUnknownUsers) {
  Environment env;
  env.admin.create_user("carol");
  const Response none = env.app.push("carol");
  EXPECT_EQ(none.status, 409u);
  EXPECT_EQ(none.error_code(), "no_active_device");
  const Response unknown = env.app.push("nobody");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.error_code(), "user_not_found");
}

}  // namespace
}  // namespace twostep::itest
