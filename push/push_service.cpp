// PushService: status reads, expiry, pending-on-connect and device authentication. Creating
// and answering pushes are in push_create.cpp and push_answer.cpp; notices in notices.cpp.
#include "push/push_service.hpp"

#include "push/effects.hpp"
#include "push/principals.hpp"
#include "push/protocol.hpp"
#include "push/records.hpp"

namespace twostep::push {

PushService::PushService(store::Store& store, const core::Clock& clock, core::Random& random,
                         PushFanout& fanout)
    : store_(store), clock_(clock), random_(random), fanout_(fanout) {}

core::Result<PushTransaction> PushService::get_transaction(std::string_view txid,
                                                           std::string_view requester_id) {
  // Long polls read often, so the common case is a read transaction; only a push found
  // pending past its time takes a write to mark it expired.
  auto stored = store_.read([&](store::Tx& tx) { return detail::find_push(tx, txid); });
  if (!stored || stored->push.requester.id != requester_id) {
    return core::fail(core::ErrorKind::kNotFound, "transaction_not_found", "no such transaction");
  }
  PushTransaction& push = stored->push;
  if (push.status != PushStatus::kPending || clock_.now() < push.expires_at) {
    return std::move(push);
  }
  expire_one(push.txid, push.user_id);
  auto reread = store_.read([&](store::Tx& tx) { return detail::find_push(tx, txid); });
  if (!reread) {  // the user was deleted meanwhile
    return core::fail(core::ErrorKind::kNotFound, "transaction_not_found", "no such transaction");
  }
  return std::move(reread->push);
}

void PushService::expire_one(const std::string& txid, const std::string& user_id) {
  detail::AfterCommit after;
  store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    if (detail::decide_push(tx, txid, PushStatus::kExpired, reason::kTimeout, "",
                            core::unix_seconds(clock_.now()))) {
      after.push_ended(user_id, txid);
      counters_.expired.fetch_add(1, std::memory_order_relaxed);
    }
    return true;
  });
  after.run(fanout_);
}

std::vector<PushTransaction> PushService::list_pending_for_device(std::string_view device_id) {
  return store_.read([&](store::Tx& tx) {
    const auto device = detail::find_device(tx, device_id);
    if (!device || !device->active) return std::vector<PushTransaction>{};
    return detail::pending_of_user(tx, device->user_id, core::unix_seconds(clock_.now()));
  });
}

std::size_t PushService::expire_due(std::size_t limit) {
  detail::AfterCommit after;
  std::size_t expired = 0;
  store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    const std::int64_t now = core::unix_seconds(clock_.now());
    for (const auto& [txid, user_id] : detail::due_pushes(tx, now, limit)) {
      if (detail::decide_push(tx, txid, PushStatus::kExpired, reason::kTimeout, "", now)) {
        after.push_ended(user_id, txid);
        ++expired;
      }
    }
    return true;
  });
  after.run(fanout_);
  counters_.expired.fetch_add(expired, std::memory_order_relaxed);
  return expired;
}

std::vector<std::string> PushService::cancel_if_no_active_device(std::string_view user_id) {
  detail::AfterCommit after;
  std::vector<std::string> txids;
  store_.run(store::TxMode::kWrite, [&](store::Tx& tx) {
    if (detail::count_active_devices(tx, user_id) == 0) {
      txids = detail::deny_all_pending(tx, user_id, reason::kNoActiveDevice,
                                       core::unix_seconds(clock_.now()), after);
    }
    return true;
  });
  after.run(fanout_);
  counters_.denied.fetch_add(txids.size(), std::memory_order_relaxed);
  return txids;
}

core::Result<DeviceIdentity> PushService::authenticate_device(std::string_view device_id,
                                                              std::string_view nonce,
                                                              std::string_view signature_b64url) {
  const auto device =
      store_.read([&](store::Tx& tx) { return detail::find_device(tx, device_id); });
  if (!device) {
    return core::fail(core::ErrorKind::kUnauthenticated, "unknown_device", "unknown device");
  }
  if (!detail::signature_valid(*device, ws_auth_signed_message(device_id, nonce),
                               signature_b64url)) {
    return core::fail(core::ErrorKind::kUnauthenticated, "invalid_signature",
                      "the signature does not verify with this device's key");
  }
  if (!device->active) {
    return core::fail(core::ErrorKind::kForbidden, "device_deactivated",
                      "this device has been deactivated");
  }
  return DeviceIdentity{device->id, device->user_id};
}

}  // namespace twostep::push
