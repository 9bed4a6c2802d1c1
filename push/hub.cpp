// LocalHub: registry under one short lock, delivery outside it (see hub.hpp).
#include "push/hub.hpp"

#include <algorithm>

#include "push/protocol.hpp"

namespace twostep::push {

void LocalHub::add(const std::shared_ptr<DeviceChannel>& channel) {
  std::lock_guard lock(mutex_);
  const std::string& device = channel->device_id();
  by_device_[device].push_back(Entry{channel.get(), channel});
  user_of_device_[device] = channel->user_id();
  devices_of_user_[channel->user_id()].insert(device);
}

void LocalHub::remove(const DeviceChannel& channel) {
  std::lock_guard lock(mutex_);
  const auto it = by_device_.find(channel.device_id());
  if (it == by_device_.end()) {
    return;
  }
  std::erase_if(it->second, [&](const Entry& e) { return e.address == &channel; });
  forget_device_if_empty(channel.device_id());
}

void LocalHub::collect_device(const std::string& device_id, Channels& out) {
  const auto it = by_device_.find(device_id);
  if (it == by_device_.end()) {
    return;
  }
  // A session that ended without remove() leaves an expired entry; drop it on the way.
  std::erase_if(it->second, [&](const Entry& e) {
    auto live = e.channel.lock();
    if (!live) return true;
    out.push_back(std::move(live));
    return false;
  });
  forget_device_if_empty(device_id);
}

void LocalHub::forget_device_if_empty(const std::string& device_id) {
  const auto it = by_device_.find(device_id);
  if (it == by_device_.end() || !it->second.empty()) {
    return;
  }
  by_device_.erase(it);
  const auto owner = user_of_device_.find(device_id);
  if (owner == user_of_device_.end()) {
    return;
  }
  const auto u = devices_of_user_.find(owner->second);
  if (u != devices_of_user_.end()) {
    u->second.erase(device_id);
    if (u->second.empty()) {
      devices_of_user_.erase(u);
    }
  }
  user_of_device_.erase(owner);
}

std::size_t LocalHub::send_to_user(std::string_view user_id, const std::string& frame,
                                   std::string_view except_device_id) {
  Channels targets;
  {
    std::lock_guard lock(mutex_);
    const auto u = devices_of_user_.find(std::string(user_id));
    if (u == devices_of_user_.end()) {
      return 0;
    }
    // A copy, because pruning a device with no live channel edits the set.
    const std::vector<std::string> devices(u->second.begin(), u->second.end());
    for (const std::string& device : devices) {
      if (device != except_device_id) {
        collect_device(device, targets);
      }
    }
  }
  for (const auto& channel : targets) {
    channel->send(frame);
  }
  return targets.size();
}

std::size_t LocalHub::send_to_device(std::string_view device_id, const std::string& frame) {
  Channels targets;
  {
    std::lock_guard lock(mutex_);
    collect_device(std::string(device_id), targets);
  }
  for (const auto& channel : targets) {
    channel->send(frame);
  }
  return targets.size();
}

std::size_t LocalHub::close_device(std::string_view device_id, std::string_view reason) {
  Channels targets;
  {
    std::lock_guard lock(mutex_);
    const std::string device(device_id);
    collect_device(device, targets);
    const auto it = by_device_.find(device);
    if (it != by_device_.end()) {
      it->second.clear();
      forget_device_if_empty(device);
    }
  }
  for (const auto& channel : targets) {
    channel->close(std::string(reason));
  }
  return targets.size();
}

bool LocalHub::is_connected(std::string_view device_id) const {
  std::lock_guard lock(mutex_);
  const auto it = by_device_.find(std::string(device_id));
  return it != by_device_.end() &&
         std::ranges::any_of(it->second, [](const Entry& e) { return !e.channel.expired(); });
}

std::size_t LocalHub::channel_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [device, entries] : by_device_) {
    n += static_cast<std::size_t>(
        std::ranges::count_if(entries, [](const Entry& e) { return !e.channel.expired(); }));
  }
  return n;
}

std::vector<std::string> LocalHub::connected_devices() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  out.reserve(by_device_.size());
  for (const auto& [device_id, entries] : by_device_) out.push_back(device_id);
  return out;
}

void LocalHub::deliver_push(const PushTransaction& push) {
  send_to_user(push.user_id, push_frame(push));
}

void LocalHub::cancel(std::string_view user_id, std::string_view txid,
                      std::string_view answered_by) {
  send_to_user(user_id, cancel_frame(txid), answered_by);
}

bool LocalHub::deliver_notice(const Notice& notice) {
  return send_to_device(notice.device_id, notice_frame(notice)) > 0;
}

void LocalHub::deactivate(std::string_view device_id, std::string_view reason) {
  close_device(device_id, reason);
}

void LocalHub::transaction_changed(std::string_view txid) { waiters_.notify(txid); }

}  // namespace twostep::push
