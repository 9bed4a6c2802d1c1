// Device lifecycle seen from the WebSocket: deactivation closes the socket with the reason,
// the app removes itself, and "this wasn't me" disowns a new device (SPEC.md capabilities 5
// and 11, and "the core problem" of deactivation taking effect at once).
#include <thread>

#include <gtest/gtest.h>

#include "push_support.hpp"

namespace twostep::itest {
namespace {

std::string authenticator_status(Admin& admin, const std::string& user, const std::string& id,
                                 std::string* reason = nullptr) {
  const Response list = admin.call("GET", "/v1/users/" + user + "/authenticators");
  for (const auto& item : list.json.at("items").as_array()) {
    const auto& device = item.as_object();
    if (device.at("id").as_string() != id) continue;
    if (reason != nullptr && device.contains("deactivated_reason")) {
      *reason = std::string(device.at("deactivated_reason").as_string());
    }
    return std::string(device.at("status").as_string());
  }
  return "missing";
}

TEST(PushLifecycle, DeactivationWhileConnectedClosesTheSocketWithTheReason) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  const std::string txid = env.app.push("alice").str("txid");
  ASSERT_TRUE(phone.next_of("push"));

  ASSERT_EQ(env.admin.call("DELETE", "/v1/users/alice/authenticators/" + phone.id()).status, 200u);
  auto deactivated = phone.next_of("deactivated");
  ASSERT_TRUE(deactivated);
  EXPECT_EQ(deactivated->str("reason"), "admin_removed");
  auto closed = phone.until_closed();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4403);

  // Its last device gone, the pending push is denied at once instead of waiting to expire.
  const Response status = env.app.status(txid);
  EXPECT_EQ(status.str("status"), "denied");
  EXPECT_EQ(status.str("reason"), "no_active_device");
  auto again = phone.authenticate();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->str("code"), "device_deactivated");
  EXPECT_EQ(phone.until_closed()->close_code, 4403);
}

TEST(PushLifecycle, ReregistrationClosesEveryDeviceOfTheUser) {
  Environment env;
  env.admin.create_user("alice");
  env.admin.create_user("bob");
  TestDevice phone = env.admin.activate_device("alice", "Phone");
  TestDevice tablet = env.admin.activate_device("alice", "Tablet");
  TestDevice bobs = env.admin.activate_device("bob");
  ASSERT_EQ(phone.connect(), 0);
  ASSERT_EQ(tablet.connect(), 0);
  ASSERT_EQ(bobs.connect(), 0);

  const Response r = env.admin.call("POST", "/v1/users/alice/require-reregistration");
  ASSERT_EQ(r.status / 100, 2u) << r.body;
  for (TestDevice* device : {&phone, &tablet}) {
    auto deactivated = device->next_of("deactivated");
    ASSERT_TRUE(deactivated);
    EXPECT_EQ(deactivated->str("reason"), "admin_reregistration");
    EXPECT_EQ(device->until_closed()->close_code, 4403);
  }
  EXPECT_TRUE(bobs.silent_for(300ms)) << "bob's device stays connected";
}

TEST(PushLifecycle, RemoveFrameDeactivatesTheDeviceAndTellsTheOthers) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice old_phone = env.admin.activate_device("alice", "Old phone");
  TestDevice new_phone = env.admin.activate_device("alice", "New phone");
  ASSERT_EQ(old_phone.connect(), 0);
  ASSERT_EQ(new_phone.connect(), 0);

  old_phone.send_text(R"({"type":"remove"})");
  auto deactivated = old_phone.next_of("deactivated");
  ASSERT_TRUE(deactivated);
  EXPECT_EQ(deactivated->str("reason"), "device_removed");
  EXPECT_EQ(old_phone.until_closed()->close_code, 4403);

  std::optional<Frame> notice;
  while ((notice = new_phone.next_of("notice")) && notice->str("event") != "device_removed") {
  }
  ASSERT_TRUE(notice) << "the user's other device is told";
  const auto& detail = notice->json.at("detail").as_object();
  EXPECT_EQ(detail.at("device_id").as_string(), old_phone.id());
  EXPECT_EQ(detail.at("device_name").as_string(), "Old phone");

  std::string reason;
  EXPECT_EQ(authenticator_status(env.admin, "alice", old_phone.id(), &reason), "deactivated");
  EXPECT_EQ(reason, "device_removed");
  EXPECT_EQ(authenticator_status(env.admin, "alice", new_phone.id()), "active");
}

// The next device_added notice about `subject` the device receives.
std::optional<Frame> device_added_notice(TestDevice& device, const std::string& subject) {
  std::optional<Frame> notice;
  while ((notice = device.next_of("notice"))) {
    if (notice->str("event") == "device_added" &&
        notice->json.at("detail").as_object().contains("device_id") &&
        notice->json.at("detail").at("device_id").as_string() == subject) {
      return notice;
    }
  }
  return std::nullopt;
}

TEST(PushLifecycle, ActivationAnnouncesTheNewDeviceToTheOthers) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice", "Phone");
  ASSERT_EQ(phone.connect(), 0);
  TestDevice tablet = env.admin.activate_device("alice", "Tablet");
  auto notice = device_added_notice(phone, tablet.id());
  ASSERT_TRUE(notice) << "binding a device is announced to the user's other devices";
  EXPECT_EQ(notice->json.at("detail").at("device_name").as_string(), "Tablet");
}

TEST(PushLifecycle, NotMeDisownsTheNewDeviceAndBlocksTheUser) {
  Environment env;
  const std::string alice = env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice", "Phone");
  TestDevice intruder = env.admin.activate_device("alice", "Unknown phone");
  // The notice an activation queues for the user's other devices, queued here directly so
  // that this test does not depend on the activation handler's announcement.
  queue_device_added_notice(env.server, alice, intruder.id(), "Unknown phone");
  ASSERT_EQ(intruder.connect(), 0);
  ASSERT_EQ(phone.connect(), 0);
  auto notice = device_added_notice(phone, intruder.id());
  ASSERT_TRUE(notice) << "an undelivered notice arrives on connect";

  // A forged "not me" changes nothing.
  phone.send_text(R"({"type":"not_me","event_id":")" + notice->str("event_id") +
                  R"(","signature":")" +
                  intruder.sign("twostep-not-me:" + notice->str("event_id")) + R"("})");
  EXPECT_EQ(phone.next_of("error")->str("code"), "invalid_signature");
  EXPECT_EQ(authenticator_status(env.admin, "alice", intruder.id()), "active");

  phone.not_me(notice->str("event_id"));
  auto deactivated = intruder.next_of("deactivated");
  ASSERT_TRUE(deactivated);
  EXPECT_EQ(deactivated->str("reason"), "disowned");
  EXPECT_EQ(intruder.until_closed()->close_code, 4403);

  const Response blocked = env.app.push("alice");
  EXPECT_EQ(blocked.status, 423u);
  EXPECT_EQ(blocked.error_code(), "user_blocked");
  const Response audit = env.admin.call("GET", "/v1/audit?type=device.disowned");
  EXPECT_EQ(audit.json.at("items").as_array().size(), 1u) << "admins are alerted";
  // The same notice cannot be used twice.
  phone.not_me(notice->str("event_id"));
  EXPECT_EQ(phone.next_of("error")->str("code"), "notice_already_handled");
}

TEST(PushLifecycle, LastSeenIsUpdatedOnContact) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  const Response before = env.admin.call("GET", "/v1/users/alice/authenticators");
  const std::string activated_at(before.json.at("items").at(0).at("last_seen_at").as_string());
  std::this_thread::sleep_for(1100ms);  // last_seen_at has one-second resolution
  ASSERT_EQ(phone.connect(), 0);
  const Response after = env.admin.call("GET", "/v1/users/alice/authenticators");
  EXPECT_GT(std::string(after.json.at("items").at(0).at("last_seen_at").as_string()), activated_at);
}

}  // namespace
}  // namespace twostep::itest
