// The cross-node fan-out messages: every op survives a round trip, nothing but ids travels,
// and payloads that are not ours are refused rather than half-read.
#include "push/fanout_message.hpp"

#include <gtest/gtest.h>

namespace twostep::push {
namespace {

std::vector<FanoutMessage> one_of_each() {
  return {
      {.node = "node_a", .op = FanoutOp::kPush, .txid = "ptx_1"},
      {.node = "node_a",
       .op = FanoutOp::kCancel,
       .txid = "ptx_2",
       .user_id = "usr_1",
       .answered_by = "dev_9"},
      {.node = "node_b", .op = FanoutOp::kCancel, .txid = "ptx_3", .user_id = "usr_2"},
      {.node = "node_a", .op = FanoutOp::kNotice, .event_id = "evt_1", .device_id = "dev_2"},
      {.node = "node_a", .op = FanoutOp::kDeactivate, .device_id = "dev_3", .reason = "disowned"},
      {.node = "node_c", .op = FanoutOp::kChanged, .txid = "stx_4"},
  };
}

TEST(FanoutMessage, EveryOpRoundTrips) {
  for (const auto& message : one_of_each()) {
    const std::string payload = encode_fanout_message(message);
    const auto decoded = decode_fanout_message(payload);
    ASSERT_TRUE(decoded) << payload;
    EXPECT_EQ(*decoded, message) << payload;
  }
}

TEST(FanoutMessage, CarriesOnlyTheFieldsOfItsOp) {
  FanoutMessage push{.node = "n", .op = FanoutOp::kPush, .txid = "ptx_1"};
  push.reason = "ignored";
  push.device_id = "ignored";
  EXPECT_EQ(encode_fanout_message(push), R"({"node":"n","op":"push","txid":"ptx_1"})");
  EXPECT_EQ(encode_fanout_message(
                {.node = "n", .op = FanoutOp::kDeactivate, .device_id = "d", .reason = "stale"}),
            R"({"node":"n","op":"deactivate","device_id":"d","reason":"stale"})");
}

TEST(FanoutMessage, RefusesWhatItCannotRead) {
  for (const char* bad : {
           "", "not json", "[]",
           R"({"op":"push","txid":"ptx_1"})",                           // no node
           R"({"node":"n","txid":"ptx_1"})",                            // no op
           R"({"node":"n","op":"launch","txid":"ptx_1"})",              // unknown op
           R"({"node":"n","op":"push"})",                               // field missing
           R"({"node":"n","op":"push","txid":7})",                      // not a string
           R"({"node":"n","op":"push","txid":"ptx_1","number":"42"})",  // unknown field
           R"({"node":1,"op":"changed","txid":"ptx_1"})",               // node not a string
           R"({"node":"n","op":"deactivate","device_id":"d"})",         // reason missing
       }) {
    EXPECT_FALSE(decode_fanout_message(bad)) << bad;
  }
}

}  // namespace
}  // namespace twostep::push
