// Encoding of cross-node fan-out messages; see fanout_message.hpp.
#include "push/fanout_message.hpp"

#include <array>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace twostep::push {
namespace {

namespace json = boost::json;

using Field = std::string FanoutMessage::*;

struct OpSpec {
  FanoutOp op;
  std::string_view name;
  std::array<std::pair<std::string_view, Field>, 3> fields;  // unused slots: empty name
};

// One table drives both directions, so encoder and decoder cannot disagree.
constexpr std::array<OpSpec, 5> kOps{{
    {FanoutOp::kPush, "push", {{{"txid", &FanoutMessage::txid}, {}, {}}}},
    {FanoutOp::kCancel,
     "cancel",
     {{{"txid", &FanoutMessage::txid},
       {"user_id", &FanoutMessage::user_id},
       {"answered_by", &FanoutMessage::answered_by}}}},
    {FanoutOp::kNotice,
     "notice",
     {{{"event_id", &FanoutMessage::event_id}, {"device_id", &FanoutMessage::device_id}, {}}}},
    {FanoutOp::kDeactivate,
     "deactivate",
     {{{"device_id", &FanoutMessage::device_id}, {"reason", &FanoutMessage::reason}, {}}}},
    {FanoutOp::kChanged, "changed", {{{"txid", &FanoutMessage::txid}, {}, {}}}},
}};

const OpSpec* spec_of(FanoutOp op) {
  for (const auto& spec : kOps) {
    if (spec.op == op) return &spec;
  }
  return nullptr;
}

const OpSpec* spec_named(std::string_view name) {
  for (const auto& spec : kOps) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::size_t field_count(const OpSpec& spec) {
  std::size_t n = 0;
  for (const auto& [name, member] : spec.fields) n += name.empty() ? 0 : 1;
  return n;
}

}  // namespace

std::string encode_fanout_message(const FanoutMessage& message) {
  const OpSpec& spec = *spec_of(message.op);
  json::object out{{"node", message.node}, {"op", spec.name}};
  for (const auto& [name, member] : spec.fields) {
    if (!name.empty()) out[name] = message.*member;
  }
  return json::serialize(out);
}

std::optional<FanoutMessage> decode_fanout_message(std::string_view payload) {
  std::error_code ec;
  const json::value root = json::parse(payload, ec);
  if (ec || !root.is_object()) return std::nullopt;
  const json::object& obj = root.get_object();
  const json::value* node = obj.if_contains("node");
  const json::value* op = obj.if_contains("op");
  if (!node || !node->is_string() || !op || !op->is_string()) return std::nullopt;
  const OpSpec* spec = spec_named(op->get_string());
  if (!spec || obj.size() != 2 + field_count(*spec)) return std::nullopt;
  FanoutMessage message{.node = std::string(node->get_string()), .op = spec->op};
  for (const auto& [name, member] : spec->fields) {
    if (name.empty()) continue;
    const json::value* v = obj.if_contains(name);
    if (!v || !v->is_string()) return std::nullopt;
    message.*member = std::string(v->get_string());
  }
  return message;
}

}  // namespace twostep::push
