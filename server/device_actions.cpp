// The device conversation's domain calls and the frames they answer with.
#include "server/device_actions.hpp"

#include "activation/devices.hpp"
#include "push/push_service.hpp"
#include "server/device_notices.hpp"

namespace twostep::server {
namespace {

using activation::DeactivationReason;

bool answer_is_moot(const std::string& code) {
  return code == "transaction_already_answered" || code == "transaction_expired" ||
         code == "transaction_not_found";
}

std::string error_frame_of(const core::Error& error) {
  return push::error_frame(error.code, error.message);
}

struct Removal {
  activation::Deactivation deactivation;
  std::vector<push::Notice> notices;
};

}  // namespace

push::PushSettings push_settings_of(const account::Settings& settings) {
  push::PushSettings out;
  out.timeout = std::chrono::seconds(settings.push_timeout_seconds);
  out.max_outstanding = settings.push_max_outstanding;
  out.max_per_minute = settings.push_max_per_minute;
  out.lockout = totp::LockoutPolicy{settings.lockout_threshold, settings.lockout_minutes};
  return out;
}

push::PushSettings load_push_settings(App& app) {
  return app.store->read(
      [](store::Tx& tx) { return push_settings_of(account::load_settings(tx)); });
}

AuthOutcome authenticate_device(App& app, const push::AuthFrame& frame, const std::string& nonce) {
  auto device = app.push->authenticate_device(frame.device_id, nonce, frame.signature);
  if (device) return {std::move(*device), {}, 0};
  const int close_code = device.error().kind == core::ErrorKind::kForbidden ? kCloseDeactivated
                                                                            : kCloseUnauthenticated;
  return {std::nullopt, error_frame_of(device.error()), close_code};
}

Welcome welcome_device(App& app, const std::string& device_id) {
  Welcome welcome;
  if (!touch_device(app, device_id)) {
    const auto device =
        app.store->read([&](store::Tx& tx) { return activation::find_device(tx, device_id); });
    const auto reason = device ? device->deactivated_reason : std::nullopt;
    welcome.deactivated_reason =
        std::string(reason ? activation::reason_name(*reason) : std::string_view("deactivated"));
    return welcome;
  }
  for (const auto& push : app.push->list_pending_for_device(device_id)) {
    welcome.push_frames.push_back(push::push_frame(push));
  }
  welcome.notices = app.push->list_undelivered(device_id);
  return welcome;
}

std::string answer_push(App& app, const std::string& device_id, push::RespondFrame frame,
                        const store::AuditContext& who) {
  const std::string txid = frame.txid;
  auto outcome = app.push->answer_push(push::to_answer(device_id, std::move(frame)),
                                       load_push_settings(app), who);
  if (outcome) return push::result_frame(outcome->txid, outcome->status);
  // Decided elsewhere, expired, or not ours: the app should simply stop showing it.
  if (answer_is_moot(outcome.error().code)) return push::cancel_frame(txid);
  return error_frame_of(outcome.error());
}

std::optional<std::string> disown_device(App& app, const std::string& device_id,
                                         push::NotMeFrame frame, const store::AuditContext& who) {
  const push::DeactivateInTx deactivate = [&app, &who](store::Tx& tx, std::string_view subject) {
    auto done =
        activation::deactivate_device(tx, app.clock, who, subject, DeactivationReason::kDisowned);
    return done ? core::Result<void>{} : core::Result<void>{std::unexpected(done.error())};
  };
  auto outcome =
      app.push->handle_not_me(push::to_not_me(device_id, std::move(frame)), deactivate, who);
  if (outcome) return std::nullopt;
  return error_frame_of(outcome.error());
}

std::optional<std::string> remove_device(App& app, const std::string& device_id,
                                         const store::AuditContext& who) {
  auto removed = app.store->write([&](store::Tx& tx) -> core::Result<Removal> {
    const auto device = activation::find_device(tx, device_id);
    auto done = activation::deactivate_device(tx, app.clock, who, device_id,
                                              DeactivationReason::kDeviceRemoved);
    if (!done) return std::unexpected(done.error());
    // Announced in the same transaction as the removal, so the notice cannot be lost.
    const auto notice = device_removed_notice(*device, DeactivationReason::kDeviceRemoved);
    return Removal{std::move(*done), push::queue_notice(tx, app.clock, app.random, notice)};
  });
  if (!removed) return error_frame_of(removed.error());
  app.push->deliver_notices(removed->notices);
  app.on_devices_deactivated({removed->deactivation});
  return std::nullopt;
}

bool touch_device(App& app, const std::string& device_id) {
  bool active = false;
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    active = activation::touch_device(tx, app.clock, device_id);
    return true;
  });
  return active;
}

void notice_written(App& app, const std::string& device_id, const std::string& event_id) {
  app.push->mark_delivered(device_id, event_id);
}

}  // namespace twostep::server
