#include "client/protocol.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace twostep::client {
namespace {

namespace json = boost::json;

template <class T>
T parsed_as(std::string_view text) {
  auto frame = parse_server_frame(text);
  EXPECT_TRUE(frame.has_value()) << text;
  if (!frame || !std::holds_alternative<T>(*frame)) {
    ADD_FAILURE() << "wrong frame type for " << text;
    return T{};
  }
  return std::get<T>(*frame);
}

TEST(DeviceProtocol, SignedMessagesFollowApiMd) {
  EXPECT_EQ(auth_message("dev_1", "n0nce"), "twostep-ws-auth:dev_1:n0nce");
  EXPECT_EQ(push_message("tx_1", Decision::kApprove, "42"), "twostep-push:tx_1:approve:42");
  EXPECT_EQ(push_message("tx_1", Decision::kDeny, ""), "twostep-push:tx_1:deny:");
  EXPECT_EQ(push_message("tx_1", Decision::kFraud, ""), "twostep-push:tx_1:fraud:");
  EXPECT_EQ(not_me_message("ev_9"), "twostep-not-me:ev_9");
}

TEST(DeviceProtocol, DeviceFramesHaveTheDocumentedShape) {
  EXPECT_EQ(json::parse(auth_frame("dev_1", "c2ln")),
            json::parse(R"({"type":"auth","device_id":"dev_1","signature":"c2ln"})"));
  EXPECT_EQ(json::parse(respond_frame("tx", Decision::kApprove, "42", "c2ln")),
            json::parse(R"({"type":"respond","txid":"tx","decision":"approve","number":"42",
                            "signature":"c2ln"})"));
  EXPECT_EQ(json::parse(not_me_frame("ev", "c2ln")),
            json::parse(R"({"type":"not_me","event_id":"ev","signature":"c2ln"})"));
  EXPECT_EQ(json::parse(remove_frame()), json::parse(R"({"type":"remove"})"));
}

TEST(DeviceProtocol, DecisionNamesRoundTrip) {
  for (auto decision : {Decision::kApprove, Decision::kDeny, Decision::kFraud}) {
    EXPECT_EQ(parse_decision(decision_name(decision)), decision);
  }
  EXPECT_FALSE(parse_decision("Approve").has_value());
}

TEST(DeviceProtocol, ParsesEveryServerFrame) {
  EXPECT_EQ(parsed_as<Hello>(R"({"type":"hello","nonce":"abc"})").nonce, "abc");
  EXPECT_EQ(parsed_as<Ready>(R"({"type":"ready","pending":3})").pending, 3);
  const auto push = parsed_as<PushRequest>(
      R"({"type":"push","txid":"tx1","context":{"app":"VPN","ip":"198.51.100.7",
          "location":"Oslo","browser":"Firefox"},"expires_at":"2026-11-27T23:46:11Z"})");
  EXPECT_EQ(push.txid, "tx1");
  EXPECT_EQ(push.context.app, "VPN");
  EXPECT_EQ(push.context.ip, "198.51.100.7");
  EXPECT_EQ(push.context.location, "Oslo");
  EXPECT_EQ(push.context.browser, "Firefox");
  EXPECT_EQ(push.expires_at, "2026-11-27T23:46:11Z");
  EXPECT_EQ(parsed_as<Cancel>(R"({"type":"cancel","txid":"tx1"})").txid, "tx1");
  const auto result =
      parsed_as<PushResult>(R"({"type":"result","txid":"tx1","status":"approved"})");
  EXPECT_EQ(result.status, "approved");
  const auto notice = parsed_as<Notice>(
      R"({"type":"notice","event_id":"ev1","event":"device_added","detail":{"device":"Pixel"},
          "time":"2026-11-27T23:46:11Z"})");
  EXPECT_EQ(notice.event, "device_added");
  EXPECT_EQ(json::parse(notice.detail_json), json::parse(R"({"device":"Pixel"})"));
  EXPECT_EQ(parsed_as<Deactivated>(R"({"type":"deactivated","reason":"user_removed"})").reason,
            "user_removed");
  const auto error = parsed_as<ServerError>(R"({"type":"error","code":"bad","message":"m"})");
  EXPECT_EQ(error.code, "bad");
  EXPECT_EQ(parsed_as<UnknownFrame>(R"({"type":"future","x":1})").type, "future");
}

TEST(DeviceProtocol, MissingOptionalPartsAreEmpty) {
  const auto push = parsed_as<PushRequest>(R"({"type":"push","txid":"tx1"})");
  EXPECT_EQ(push.context.app, "");
  EXPECT_EQ(parsed_as<Ready>(R"({"type":"ready"})").pending, 0);
  EXPECT_EQ(parsed_as<Notice>(R"({"type":"notice","event_id":"e","event":"x"})").detail_json, "{}");
}

TEST(DeviceProtocol, RejectsMalformedFrames) {
  for (const char* bad :
       {"", "nonsense", "[]", "{}", R"({"type":1})", R"({"type":"hello"})",
        R"({"type":"hello","nonce":""})", R"({"type":"push"})", R"({"type":"result","txid":"t"})",
        R"({"type":"cancel","txid":5})", R"({"type":"notice","event_id":"e"})",
        R"({"type":"deactivated"})", R"({"type":"ready","x":[[[[[[[[[[1]]]]]]]]]]})"}) {
    auto frame = parse_server_frame(bad);
    ASSERT_FALSE(frame.has_value()) << bad;
    EXPECT_EQ(frame.error().code, "invalid_frame");
  }
}

}  // namespace
}  // namespace twostep::client
