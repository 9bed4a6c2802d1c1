// How a message reaches a phone: the Provider interface that the outbox (development and
// tests) and the HTTPS webhook (a real SMS/voice gateway) implement, and the JSON form of a
// message that both write.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "phone/types.hpp"

namespace twostep::phone {

/// Why a message is sent; carried along so a gateway (or a test reading the outbox) can
/// tell codes from notices.
enum class Purpose { kVerification, kSignIn, kNotice };
std::string_view to_string(Purpose purpose);

/// One text message or one call.
struct Message {
  Channel channel = Channel::kSms;
  std::string to;         // E.164
  std::string extension;  // digits to dial after the call connects; "" when none
  std::string text;       // what is sent, or read out on a call
  std::string code;       // the code inside `text`; "" for notices
  Purpose purpose = Purpose::kSignIn;
};

/// {"time","channel","to","text","code","purpose","extension"?}: one outbox line, and the
/// webhook's request body. `code` is "" for notices.
boost::json::object message_json(const Message& message, core::TimePoint time);

/// A way to deliver messages. Implementations must be thread-safe: worker threads call
/// send() at the same time. send() blocks until the message was handed over or failed.
class Provider {
 public:
  virtual ~Provider() = default;
  /// Ok once the message is handed over; 503 "delivery_failed" otherwise. The caller audits
  /// a failure and reports it: a message is never dropped silently.
  virtual core::Result<void> send(const Message& message) = 0;
};

/// The error every provider returns when a message could not be handed over.
std::unexpected<core::Error> delivery_failed(std::string message);

}  // namespace twostep::phone
