// The device protocol: signed strings, server frames exactly as API.md shows them, and
// strict parsing of device frames.
#include "push/protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace twostep::push {
namespace {

TEST(PushProtocol, SignedMessagesFollowApiMd) {
  EXPECT_EQ(ws_auth_signed_message("dev_1", "abc"), "twostep-ws-auth:dev_1:abc");
  EXPECT_EQ(push_signed_message("ptx_1", Decision::kApprove, "42"),
            "twostep-push:ptx_1:approve:42");
  EXPECT_EQ(push_signed_message("ptx_1", Decision::kDeny, ""), "twostep-push:ptx_1:deny:");
  EXPECT_EQ(push_signed_message("ptx_1", Decision::kFraud, ""), "twostep-push:ptx_1:fraud:");
  EXPECT_EQ(not_me_signed_message("evt_1"), "twostep-not-me:evt_1");
}

TEST(PushProtocol, PushFrameCarriesContextButNotTheNumber) {
  PushTransaction p;
  p.txid = "ptx_1";
  p.requester = Requester{"app_1", "VPN"};
  p.context = PushContext{"203.0.113.9", "Oslo", ""};
  p.expires_at = core::from_unix_seconds(1'800'000'060);
  EXPECT_EQ(push_frame(p),
            R"({"type":"push","txid":"ptx_1","context":{"app":"VPN","ip":"203.0.113.9",)"
            R"("location":"Oslo","browser":""},"expires_at":"2027-01-15T08:01:00Z"})");
}

TEST(PushProtocol, ServerFrames) {
  EXPECT_EQ(hello_frame("n"), R"({"type":"hello","nonce":"n"})");
  EXPECT_EQ(ready_frame(2), R"({"type":"ready","pending":2})");
  EXPECT_EQ(result_frame("ptx_1", PushStatus::kApproved),
            R"({"type":"result","txid":"ptx_1","status":"approved"})");
  EXPECT_EQ(cancel_frame("ptx_1"), R"({"type":"cancel","txid":"ptx_1"})");
  EXPECT_EQ(deactivated_frame("replaced"), R"({"type":"deactivated","reason":"replaced"})");
  EXPECT_EQ(error_frame("invalid_frame", "bad"),
            R"({"type":"error","code":"invalid_frame","message":"bad"})");
}

TEST(PushProtocol, NoticeFrame) {
  Notice n;
  n.event_id = "evt_1";
  n.event = NoticeEvent::kDeviceAdded;
  n.detail = {{"device_name", "Pixel"}};
  n.created_at = core::from_unix_seconds(1'800'000'000);
  EXPECT_EQ(notice_frame(n), R"({"type":"notice","event_id":"evt_1","event":"device_added",)"
                             R"("detail":{"device_name":"Pixel"},"time":"2027-01-15T08:00:00Z"})");
}

TEST(PushProtocol, ParsesRespond) {
  auto frame = parse_device_frame(
      R"({"type":"respond","txid":"ptx_1","decision":"approve","number":"42","signature":"c2ln","extra":1})");
  ASSERT_TRUE(frame) << frame.error().code;
  const auto& r = std::get<RespondFrame>(*frame);
  EXPECT_EQ(r.txid, "ptx_1");
  EXPECT_EQ(r.decision, Decision::kApprove);
  EXPECT_EQ(r.number, "42");
  EXPECT_EQ(r.signature, "c2ln");
  const AnswerRequest a = to_answer("dev_1", r);
  EXPECT_EQ(a.device_id, "dev_1");
  EXPECT_EQ(a.signature_b64url, "c2ln");
}

TEST(PushProtocol, RespondWithoutNumberReadsAsEmpty) {
  auto frame =
      parse_device_frame(R"({"type":"respond","txid":"t","decision":"deny","signature":"s"})");
  ASSERT_TRUE(frame);
  EXPECT_EQ(std::get<RespondFrame>(*frame).number, "");
}

TEST(PushProtocol, ParsesAuthNotMeAndRemove) {
  auto auth = parse_device_frame(R"({"type":"auth","device_id":"dev_1","signature":"s"})");
  ASSERT_TRUE(auth);
  EXPECT_EQ(std::get<AuthFrame>(*auth).device_id, "dev_1");
  auto not_me = parse_device_frame(R"({"type":"not_me","event_id":"evt_1","signature":"s"})");
  ASSERT_TRUE(not_me);
  EXPECT_EQ(std::get<NotMeFrame>(*not_me).event_id, "evt_1");
  auto remove = parse_device_frame(R"({"type":"remove"})");
  ASSERT_TRUE(remove);
  EXPECT_TRUE(std::holds_alternative<RemoveFrame>(*remove));
}

TEST(PushProtocol, RejectsMalformedFrames) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "invalid_frame"},
      {"[1,2]", "invalid_frame"},
      {R"({"txid":"t"})", "invalid_frame"},
      {R"({"type":"hello"})", "invalid_frame"},
      {R"({"type":7})", "invalid_frame"},
      {R"({"type":"respond","txid":"t","decision":"maybe","signature":"s"})", "invalid_decision"},
      {R"({"type":"respond","txid":5,"decision":"deny","signature":"s"})", "invalid_txid"},
      {R"({"type":"respond","txid":"t","decision":"deny"})", "invalid_signature"},
      {R"({"type":"auth","signature":"s"})", "invalid_device_id"},
      {R"({"type":"not_me","event_id":"e"})", "invalid_signature"},
      {R"({"type":"remove","x":[[[[[1]]]]]})", "invalid_frame"},
  };
  for (const auto& [text, code] : cases) {
    auto frame = parse_device_frame(text);
    ASSERT_FALSE(frame) << text;
    EXPECT_EQ(frame.error().code, code) << text;
    EXPECT_EQ(frame.error().kind, core::ErrorKind::kInvalidInput);
  }
}

TEST(PushProtocol, RejectsOversizeFields) {
  const std::string big(kMaxFrameField + 1, 'a');
  auto frame =
      parse_device_frame(R"({"type":"auth","device_id":")" + big + R"(","signature":"s"})");
  ASSERT_FALSE(frame);
  EXPECT_EQ(frame.error().code, "invalid_device_id");
}

TEST(PushTypes, NamesRoundTrip) {
  for (auto s : {PushStatus::kPending, PushStatus::kApproved, PushStatus::kDenied,
                 PushStatus::kFraud, PushStatus::kExpired}) {
    EXPECT_EQ(parse_push_status(to_string(s)), s);
  }
  for (auto e : {NoticeEvent::kDeviceAdded, NoticeEvent::kDeviceRemoved, NoticeEvent::kPhoneChanged,
                 NoticeEvent::kAppPasswordCreated}) {
    EXPECT_EQ(parse_notice_event(to_string(e)), e);
  }
  EXPECT_FALSE(parse_decision("APPROVE"));
  EXPECT_EQ(to_string(NoticeEvent::kAppPasswordCreated), "app_password_created");
}

}  // namespace
}  // namespace twostep::push
