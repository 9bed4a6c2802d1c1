// PushService::create_push: who may be pushed, how often, and the new pending transaction.
#include <algorithm>

#include "core/ids.hpp"
#include "push/effects.hpp"
#include "push/principals.hpp"
#include "push/push_service.hpp"
#include "push/records.hpp"

namespace twostep::push {
namespace {

core::Result<void> check_context(const PushContext& c) {
  for (const std::string* field : {&c.ip, &c.location, &c.browser}) {
    if (field->size() > PushContext::kMaxContextField) {
      return core::fail(core::ErrorKind::kInvalidInput, "invalid_context",
                        "context fields are at most 256 bytes", "context");
    }
  }
  return {};
}

std::unexpected<core::Error> too_many(std::int64_t retry_after_seconds) {
  auto error = core::fail(core::ErrorKind::kRateLimited, "too_many_pushes",
                          "too many sign-in requests for this user; wait before asking again");
  error.error().retry_after = std::chrono::seconds(std::max<std::int64_t>(1, retry_after_seconds));
  return error;
}

// Push fatigue: a cap on pending pushes and on pushes per minute, so that nobody can wear a
// user down with a stream of prompts until one is approved by mistake.
core::Result<void> check_fatigue(const detail::PushLoad& load, const PushSettings& settings,
                                 std::int64_t now, std::string& which) {
  if (load.outstanding >= std::max(settings.max_outstanding, 1)) {
    which = "outstanding";
    return too_many(load.first_expiry.value_or(now + 1) - now);
  }
  if (load.last_minute >= std::max(settings.max_per_minute, 1)) {
    which = "per_minute";
    return too_many(load.first_in_minute.value_or(now) + 60 - now);
  }
  return {};
}

// Everything that may refuse the push, in the order a caller would want to hear it.
core::Result<void> admit(store::Tx& tx, const PushRequest& request, const PushSettings& settings,
                         std::int64_t now, std::string& limit) {
  const auto user = detail::find_user(tx, request.user_id);
  if (!user) {
    return core::fail(core::ErrorKind::kNotFound, "user_not_found", "no such user");
  }
  if (auto ok = detail::require_may_authenticate(*user, now); !ok) return ok;
  if (detail::count_active_devices(tx, user->id) == 0) {
    return core::fail(core::ErrorKind::kConflict, "no_active_device",
                      "the user has no active authenticator device");
  }
  return check_fatigue(detail::push_load(tx, user->id, now), settings, now, limit);
}

}  // namespace

core::Result<NewPush> PushService::create_push(const PushRequest& request,
                                               const PushSettings& settings,
                                               const store::AuditContext& who) {
  if (auto ok = check_context(request.context); !ok) return std::unexpected(ok.error());
  PushTransaction push;
  std::string number;
  auto out = detail::write_committing(store_, [&](store::Tx& tx) -> core::Result<NewPush> {
    const auto now = clock_.now();
    std::string limit;
    if (auto ok = admit(tx, request, settings, core::unix_seconds(now), limit); !ok) {
      boost::json::object detail{{"reason", ok.error().code}, {"app", request.requester.name}};
      if (!limit.empty()) detail.emplace("limit", limit);
      if (ok.error().code != "user_not_found") {
        store::append_audit(tx, clock_, who,
                            {"push.request", request.user_id, "", "refused", std::move(detail)});
      }
      return std::unexpected(ok.error());
    }
    push = PushTransaction{core::new_id(kTxidPrefix, random_),
                           request.user_id,
                           request.requester,
                           request.context,
                           PushStatus::kPending,
                           "",
                           "",
                           request.remember,
                           now,
                           now + settings.timeout,
                           std::nullopt};
    number = std::to_string(10 + random_.uniform(90));
    detail::insert_push(tx, push, number);
    store::append_audit(tx, clock_, who,
                        {"push.request",
                         request.user_id,
                         "",
                         "success",
                         {{"txid", push.txid}, {"app", request.requester.name}}});
    return NewPush{push.txid, number, push.expires_at};
  });
  if (!out) {
    counters_.refused.fetch_add(1, std::memory_order_relaxed);
    return out;
  }
  counters_.created.fetch_add(1, std::memory_order_relaxed);
  fanout_.deliver_push(push);
  return out;
}

}  // namespace twostep::push
