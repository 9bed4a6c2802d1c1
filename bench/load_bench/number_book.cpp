#include "bench/load_bench/number_book.hpp"

#include <utility>

namespace twostep::bench {

void NumberBook::approve(Meeting& meeting, const std::string& txid) {
  meeting.device->respond(txid, client::Decision::kApprove, meeting.number);
}

void NumberBook::number_known(const std::string& txid, std::string number) {
  std::lock_guard lock(mutex_);
  Meeting& meeting = meetings_[txid];
  meeting.number = std::move(number);
  if (meeting.device) approve(meeting, txid);
}

std::optional<Clock::time_point> NumberBook::take_delivery(const std::string& txid) {
  std::lock_guard lock(mutex_);
  const auto it = meetings_.find(txid);
  if (it == meetings_.end()) return std::nullopt;
  const auto delivered = it->second.delivered;
  meetings_.erase(it);
  return delivered;
}

void NumberBook::on_push(client::DeviceConnection& connection, const client::PushRequest& push) {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  Meeting& meeting = meetings_[push.txid];
  meeting.device = connection.shared_from_this();
  meeting.delivered = now;
  if (!meeting.number.empty()) approve(meeting, push.txid);
}

}  // namespace twostep::bench
