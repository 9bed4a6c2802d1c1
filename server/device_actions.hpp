// What a device WebSocket session asks of the domain, as plain blocking functions: the
// session (server/device_session.cpp) runs each on the push runtime's threads and sends the
// frames they return. Kept apart from the socket code so that the rules of the conversation
// (which error becomes which frame or close code) read in one place, free of Beast.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "account/settings.hpp"
#include "core/error.hpp"
#include "push/protocol.hpp"
#include "push/types.hpp"
#include "server/app.hpp"
#include "store/audit.hpp"

namespace twostep::server {

/// The organisation's push limits from its settings.
push::PushSettings push_settings_of(const account::Settings& settings);
/// push_settings_of(load_settings()) in a read transaction.
push::PushSettings load_push_settings(App& app);

/// WebSocket close codes of API.md's device protocol.
inline constexpr int kCloseUnauthenticated = 4401;  // unknown device or bad signature
inline constexpr int kCloseDeactivated = 4403;      // the device is (or was just) deactivated

/// The outcome of the `auth` frame: the device, or the error frame to send and the close
/// code to close with.
struct AuthOutcome {
  std::optional<push::DeviceIdentity> device;
  std::string error_frame;
  int close_code = 0;
};
AuthOutcome authenticate_device(App& app, const push::AuthFrame& frame, const std::string& nonce);

/// What a device gets right after `ready`: its pending pushes (as push frames) and its
/// undelivered notices. Also records the contact (last_seen_at). When the device was
/// deactivated after it authenticated (before its channel reached the hub, so the hub could
/// not close it), `deactivated_reason` says why and nothing else is loaded.
struct Welcome {
  std::vector<std::string> push_frames;
  std::vector<push::Notice> notices;
  std::optional<std::string> deactivated_reason;
};
Welcome welcome_device(App& app, const std::string& device_id);

/// A `respond` frame: `result` on success; `cancel` when the push is already decided,
/// expired or not this device's to answer (the app drops it); `error` otherwise (e.g. a bad
/// signature, which leaves the push pending).
std::string answer_push(App& app, const std::string& device_id, push::RespondFrame frame,
                        const store::AuditContext& who);

/// A `not_me` frame: nothing on success (the subject device is closed by the push service),
/// an `error` frame otherwise.
std::optional<std::string> disown_device(App& app, const std::string& device_id,
                                         push::NotMeFrame frame, const store::AuditContext& who);

/// A `remove` frame: the device deactivates itself (reason `device_removed`), the user's
/// other devices get a `device_removed` notice, and the hub closes this device's sockets with
/// `deactivated`. An `error` frame when the device can no longer be deactivated.
std::optional<std::string> remove_device(App& app, const std::string& device_id,
                                         const store::AuditContext& who);

/// Records contact with an active device (last_seen_at); false when it is not active.
bool touch_device(App& app, const std::string& device_id);

/// Marks a notice delivered once its frame was written to the socket.
void notice_written(App& app, const std::string& device_id, const std::string& event_id);

}  // namespace twostep::server
