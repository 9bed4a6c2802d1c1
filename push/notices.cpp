// Security notices to a user's other devices, their delivery, and the "not me" answer.
#include "core/ids.hpp"
#include "core/log.hpp"
#include "push/effects.hpp"
#include "push/principals.hpp"
#include "push/protocol.hpp"
#include "push/push_service.hpp"
#include "push/records.hpp"

namespace twostep::push {
namespace {

std::unexpected<core::Error> notice_not_found() {
  return core::fail(core::ErrorKind::kNotFound, "notice_not_found", "no such notice");
}

// The device_added notice addressed to `device_id`, if there is one.
struct NotMeTarget {
  std::string user_id;
  std::string subject_device_id;
  std::int64_t created_at = 0;
  bool handled = false;
};

std::optional<NotMeTarget> find_not_me_target(store::Tx& tx, std::string_view event_id,
                                              std::string_view device_id) {
  auto row = tx.query_one(
      "SELECT user_id, subject_device_id, created_at, handled_at FROM device_notices "
      "WHERE event_id = ? AND device_id = ? AND event = 'device_added'",
      {std::string(event_id), std::string(device_id)});
  if (!row) return std::nullopt;
  return NotMeTarget{row->text(0), row->opt_text(1).value_or(""), row->integer(2),
                     !row->is_null(3)};
}

// Every check that needs no write: who signed, and whether the notice may be answered.
core::Result<NotMeTarget> check_not_me(store::Tx& tx, const NotMeRequest& request,
                                       std::int64_t now) {
  const auto device = detail::find_device(tx, request.device_id);
  if (!device) return notice_not_found();
  if (!detail::signature_valid(*device, not_me_signed_message(request.event_id),
                               request.signature_b64url)) {
    return core::fail(core::ErrorKind::kUnauthenticated, "invalid_signature",
                      "the signature does not verify with this device's key");
  }
  auto target = find_not_me_target(tx, request.event_id, request.device_id);
  if (!device->active || !target) return notice_not_found();
  if (now - target->created_at > std::chrono::seconds(kNotMeWindow).count()) {
    return core::fail(core::ErrorKind::kGone, "notice_expired",
                      "this notice is too old to be answered");
  }
  if (target->handled) {
    return core::fail(core::ErrorKind::kConflict, "notice_already_handled",
                      "this notice was already answered");
  }
  return std::move(*target);
}

}  // namespace

std::vector<Notice> queue_notice(store::Tx& tx, const core::Clock& clock, core::Random& random,
                                 const NoticeRequest& request) {
  std::vector<Notice> out;
  const auto now = clock.now();
  for (const store::Row& row :
       tx.query("SELECT id FROM devices WHERE user_id = ? AND status = 'active' AND id <> ? AND "
                "id <> ? ORDER BY created_at, id",
                {request.user_id, request.exclude_device_id, request.subject_device_id})) {
    Notice n{core::new_id(kNoticeIdPrefix, random),
             request.user_id,
             row.text(0),
             request.event,
             request.detail,
             request.subject_device_id,
             now};
    detail::insert_notice(tx, n);
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<Notice> PushService::notify(const NoticeRequest& request) {
  auto notices = store_.write([&](store::Tx& tx) -> core::Result<std::vector<Notice>> {
    return queue_notice(tx, clock_, random_, request);
  });
  deliver_notices(*notices);
  return std::move(*notices);
}

void PushService::deliver_notices(const std::vector<Notice>& notices) {
  for (const Notice& n : notices) {
    if (fanout_.deliver_notice(n)) mark_delivered(n.device_id, n.event_id);
  }
}

std::vector<Notice> PushService::list_undelivered(std::string_view device_id) {
  return store_.read([&](store::Tx& tx) {
    std::vector<Notice> out;
    const auto device = detail::find_device(tx, device_id);
    if (!device || !device->active) return out;
    for (const store::Row& row :
         tx.query(std::string("SELECT ") + std::string(detail::kNoticeColumns) +
                      " FROM device_notices WHERE device_id = ? AND delivered_at IS NULL "
                      "ORDER BY created_at, event_id LIMIT 100",
                  {std::string(device_id)})) {
      out.push_back(detail::notice_from_row(row));
    }
    return out;
  });
}

void PushService::mark_delivered(std::string_view device_id, std::string_view event_id) {
  store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    tx.exec(
        "UPDATE device_notices SET delivered_at = ? WHERE event_id = ? AND device_id = ? AND "
        "delivered_at IS NULL",
        {core::unix_seconds(clock_.now()), std::string(event_id), std::string(device_id)});
    return true;
  });
}

core::Result<NotMeOutcome> PushService::handle_not_me(const NotMeRequest& request,
                                                      const DeactivateInTx& deactivate,
                                                      const store::AuditContext& who) {
  detail::AfterCommit after;
  auto out = store_.write([&](store::Tx& tx) -> core::Result<NotMeOutcome> {
    const std::int64_t now = core::unix_seconds(clock_.now());
    auto target = check_not_me(tx, request, now);
    if (!target) return std::unexpected(target.error());
    // Claimed with a conditional update, so two answers to one notice act once.
    if (tx.exec("UPDATE device_notices SET handled_at = ? WHERE event_id = ? AND "
                "handled_at IS NULL",
                {now, request.event_id}) == 0) {
      return core::fail(core::ErrorKind::kConflict, "notice_already_handled",
                        "this notice was already answered");
    }
    const std::string& subject = target->subject_device_id;
    const auto subject_device = detail::find_device(tx, subject);
    if (subject_device && subject_device->active && subject_device->user_id == target->user_id) {
      if (auto done = deactivate(tx, subject); !done) return std::unexpected(done.error());
      after.add([subject](PushFanout& f) { f.deactivate(subject, "disowned"); });
    }
    const bool blocked = detail::block_user(tx, clock_, target->user_id);
    detail::deny_all_pending(tx, target->user_id, reason::kUserBlocked, now, after);
    store::append_audit(tx, clock_, who,
                        {"device.disowned",
                         target->user_id,
                         subject,
                         "success",
                         {{"event_id", request.event_id},
                          {"reported_by", request.device_id},
                          {"user_blocked", blocked}}});
    return NotMeOutcome{target->user_id, subject};
  });
  if (!out) {
    audit_refused_not_me(request, out.error(), who);
    return out;
  }
  after.run(fanout_);
  counters_.fraud.fetch_add(1, std::memory_order_relaxed);
  core::log(core::LogLevel::kWarn, "device disowned by another device; user blocked",
            {{"user_id", out->user_id}, {"device_id", out->subject_device_id}});
  return out;
}

void PushService::audit_refused_not_me(const NotMeRequest& request, const core::Error& error,
                                       const store::AuditContext& who) {
  // The refused attempt changed nothing (its transaction rolled back); only this row stays.
  store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    const auto device = detail::find_device(tx, request.device_id);
    store::append_audit(tx, clock_, who,
                        {"device.not_me",
                         device ? device->user_id : "",
                         request.device_id,
                         "refused",
                         {{"event_id", request.event_id}, {"reason", error.code}}});
    return true;
  });
}

}  // namespace twostep::push
