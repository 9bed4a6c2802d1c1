// A connected phone learns at once that its registration ended, whichever path ended it:
// the server sends {"type":"deactivated","reason":…} and closes the WebSocket with 4403. The
// user's other phones are told about added and removed devices.
#include "client/device_key.hpp"
#include "tests/integration/activation_fixture.hpp"
#include "tests/integration/push_support.hpp"

namespace twostep::testing {
namespace {

using namespace std::chrono_literals;

class DeviceSocket : public ActivationItest {
 protected:
  // A phone activated with a key the test keeps, so it can sign in on the WebSocket.
  struct ConnectedPhone {
    Phone phone;
    std::unique_ptr<itest::TestDevice> socket;
  };

  ConnectedPhone connect_phone(const std::string& user, const std::string& replace = "") {
    auto key = client::DeviceKey::generate();
    EXPECT_TRUE(key.has_value());
    auto shared = std::make_shared<client::DeviceKey>(std::move(*key));
    Response r =
        activate(str(new_activation(user, replace), "code"), shared->public_key_base64url());
    EXPECT_EQ(r.status, 201u) << r.body;
    ConnectedPhone out{{str(r.json, "device_id"), str(r.json.at("totp"), "secret")}, nullptr};
    out.socket = std::make_unique<itest::TestDevice>(server().port(), out.phone.device_id, shared);
    EXPECT_GE(out.socket->connect(), 0) << "the phone signs in on the WebSocket";
    return out;
  }

  static void expect_told(itest::TestDevice& socket, const std::string& reason) {
    auto frame = socket.next_of("deactivated", 10s);
    ASSERT_TRUE(frame.has_value()) << "no deactivated frame";
    EXPECT_EQ(frame->str("reason"), reason);
    auto closed = socket.until_closed(10s);
    ASSERT_TRUE(closed.has_value());
    EXPECT_EQ(closed->close_code, 4403);
  }
};

TEST_F(DeviceSocket, AdminRemovalClosesTheSocketAndTellsTheOtherPhone) {
  make_user("alice");
  auto removed = connect_phone("alice");
  auto other = connect_phone("alice");
  auto added = removed.socket->next_of("notice", 10s);
  ASSERT_TRUE(added.has_value()) << "the first phone hears of the second";
  EXPECT_EQ(added->str("event"), "device_added");

  ASSERT_EQ(del("/v1/users/alice/authenticators/" + removed.phone.device_id).status, 200u);
  expect_told(*removed.socket, "admin_removed");
  auto notice = other.socket->next_of("notice", 10s);
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->str("event"), "device_removed");
  // A deactivated phone cannot come back on the WebSocket either.
  itest::TestDevice again(server().port(), removed.phone.device_id,
                          std::make_shared<client::DeviceKey>(*client::DeviceKey::generate()));
  auto refused = again.authenticate();
  ASSERT_TRUE(refused.has_value());
  EXPECT_TRUE(refused->closed || refused->type == "error");
}

TEST_F(DeviceSocket, ReplacementClosesTheOldPhone) {
  make_user("alice");
  auto old_phone = connect_phone("alice");
  auto new_phone = connect_phone("alice", old_phone.phone.device_id);
  expect_told(*old_phone.socket, "replaced");
}

TEST_F(DeviceSocket, StaleSweepClosesTheStalePhone) {
  make_user("alice");
  auto phone = connect_phone("alice");
  db_exec("UPDATE devices SET last_seen_at = " + std::to_string(unix_now() - 40 * 86400) +
          " WHERE id = '" + phone.phone.device_id + "'");
  Response r =
      post("/v1/authenticators/deactivate-stale", {{"not_seen_days", 30}, {"dry_run", false}});
  ASSERT_EQ(r.status, 200u) << r.body;
  ASSERT_EQ(r.json.at("deactivated").as_array().size(), 1u);
  expect_told(*phone.socket, "stale");
}

TEST_F(DeviceSocket, ReregistrationClosesEveryPhone) {
  make_user("alice");
  auto first = connect_phone("alice");
  auto second = connect_phone("alice");
  ASSERT_EQ(post_empty("/v1/users/alice/require-reregistration").status, 200u);
  expect_told(*first.socket, "admin_reregistration");
  expect_told(*second.socket, "admin_reregistration");
}

}  // namespace
}  // namespace twostep::testing
