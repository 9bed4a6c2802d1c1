// The frames a device sends on its WebSocket after the upgrade (push/protocol.hpp): the
// server's session hands every text frame to parse_device_frame, so this is the whole
// device-to-server protocol surface without sockets.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "push/protocol.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using twostep::fuzz::check;
namespace json = boost::json;
namespace push = twostep::push;

namespace {

bool bounded(std::string_view field) { return field.size() <= push::kMaxFrameField; }

// The frame as a device would send it: the same parse must give the same frame.
json::object render(const push::DeviceFrame& frame) {
  if (const auto* auth = std::get_if<push::AuthFrame>(&frame)) {
    return {{"type", "auth"}, {"device_id", auth->device_id}, {"signature", auth->signature}};
  }
  if (const auto* respond = std::get_if<push::RespondFrame>(&frame)) {
    return {{"type", "respond"},
            {"txid", respond->txid},
            {"decision", push::to_string(respond->decision)},
            {"number", respond->number},
            {"signature", respond->signature}};
  }
  if (const auto* not_me = std::get_if<push::NotMeFrame>(&frame)) {
    return {{"type", "not_me"}, {"event_id", not_me->event_id}, {"signature", not_me->signature}};
  }
  return {{"type", "remove"}};
}

bool same(const push::DeviceFrame& a, const push::DeviceFrame& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<push::AuthFrame>(&a)) {
    const auto& y = std::get<push::AuthFrame>(b);
    return x->device_id == y.device_id && x->signature == y.signature;
  }
  if (const auto* x = std::get_if<push::RespondFrame>(&a)) {
    const auto& y = std::get<push::RespondFrame>(b);
    return x->txid == y.txid && x->decision == y.decision && x->number == y.number &&
           x->signature == y.signature;
  }
  if (const auto* x = std::get_if<push::NotMeFrame>(&a)) {
    const auto& y = std::get<push::NotMeFrame>(b);
    return x->event_id == y.event_id && x->signature == y.signature;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto frame = push::parse_device_frame(twostep::fuzz::as_text(data, size));
  if (!frame) {
    const auto& code = frame.error().code;
    check(frame.error().kind == twostep::core::ErrorKind::kInvalidInput &&
              code.starts_with("invalid_"),
          "a refused frame is invalid_frame or invalid_<field>");
    return 0;
  }
  if (const auto* auth = std::get_if<push::AuthFrame>(&*frame)) {
    check(bounded(auth->device_id) && bounded(auth->signature), "auth fields are bounded");
  } else if (const auto* respond = std::get_if<push::RespondFrame>(&*frame)) {
    check(bounded(respond->txid) && bounded(respond->number) && bounded(respond->signature),
          "respond fields are bounded");
    const auto answer = push::to_answer("device", *respond);
    check(answer.txid == respond->txid && answer.decision == respond->decision,
          "to_answer keeps the transaction and decision");
  } else if (const auto* not_me = std::get_if<push::NotMeFrame>(&*frame)) {
    check(bounded(not_me->event_id) && bounded(not_me->signature), "not_me fields are bounded");
  }
  auto again = push::parse_device_frame(json::serialize(render(*frame)));
  check(again && same(*again, *frame), "parse(render(parse(f))) == parse(f)");
  return 0;
}
