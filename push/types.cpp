// String forms of the push vocabulary, exactly as API.md spells them.
#include "push/types.hpp"

#include <array>
#include <utility>

namespace twostep::push {
namespace {

// One table per enum keeps each name in exactly one place for both directions.
template <class E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

constexpr NameTable<PushStatus, 5> kStatusNames{{{PushStatus::kPending, "pending"},
                                                 {PushStatus::kApproved, "approved"},
                                                 {PushStatus::kDenied, "denied"},
                                                 {PushStatus::kFraud, "fraud"},
                                                 {PushStatus::kExpired, "expired"}}};

constexpr NameTable<Decision, 3> kDecisionNames{
    {{Decision::kApprove, "approve"}, {Decision::kDeny, "deny"}, {Decision::kFraud, "fraud"}}};

constexpr NameTable<NoticeEvent, 4> kEventNames{
    {{NoticeEvent::kDeviceAdded, "device_added"},
     {NoticeEvent::kDeviceRemoved, "device_removed"},
     {NoticeEvent::kPhoneChanged, "phone_changed"},
     {NoticeEvent::kAppPasswordCreated, "app_password_created"}}};

template <class E, std::size_t N>
std::string_view name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) {
      return name;
    }
  }
  return {};
}

template <class E, std::size_t N>
std::optional<E> value_of(const NameTable<E, N>& table, std::string_view text) {
  for (const auto& [v, name] : table) {
    if (name == text) {
      return v;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(PushStatus status) { return name_of(kStatusNames, status); }
std::optional<PushStatus> parse_push_status(std::string_view text) {
  return value_of(kStatusNames, text);
}

std::string_view to_string(Decision decision) { return name_of(kDecisionNames, decision); }
std::optional<Decision> parse_decision(std::string_view text) {
  return value_of(kDecisionNames, text);
}

std::string_view to_string(NoticeEvent event) { return name_of(kEventNames, event); }
std::optional<NoticeEvent> parse_notice_event(std::string_view text) {
  return value_of(kEventNames, text);
}

}  // namespace twostep::push
