// The messages that carry PushFanout calls between server nodes (cluster_fanout.hpp): one
// small JSON object per call, holding ids and short reason names only, never a secret, a
// number or a code. The channel is PostgreSQL's NOTIFY, whose payloads are limited to 8000
// bytes; ids are far shorter.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace twostep::push {

/// Which PushFanout call a message replays.
enum class FanoutOp { kPush, kCancel, kNotice, kDeactivate, kChanged };

/// One fan-out call. Only the fields of its op are set; the rest stay empty.
struct FanoutMessage {
  std::string node{};  // the publishing node, so it can skip its own messages
  FanoutOp op = FanoutOp::kChanged;
  std::string txid{};         // kPush, kCancel, kChanged
  std::string user_id{};      // kCancel
  std::string answered_by{};  // kCancel ("" for none)
  std::string event_id{};     // kNotice
  std::string device_id{};    // kNotice (recipient), kDeactivate
  std::string reason{};       // kDeactivate

  bool operator==(const FanoutMessage&) const = default;
};

/// `{"node":…, "op":"push|cancel|notice|deactivate|changed", …}` with the op's fields only.
std::string encode_fanout_message(const FanoutMessage& message);

/// The message, or nullopt when `payload` is not one (not JSON, unknown op, a field of the
/// op missing or not a string, an unknown field). Other nodes may run another version, so
/// the caller ignores what it cannot read.
std::optional<FanoutMessage> decode_fanout_message(std::string_view payload);

}  // namespace twostep::push
