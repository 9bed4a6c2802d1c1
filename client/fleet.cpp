#include "client/fleet.hpp"

namespace twostep::client {

DeviceFleet::DeviceFleet(boost::asio::any_io_executor executor, core::Random& random,
                         FleetOptions options, DeviceEvents* forward)
    : executor_(std::move(executor)),
      random_(random),
      options_(std::move(options)),
      forward_(forward) {}

void DeviceFleet::add(std::shared_ptr<const ServerTarget> target, DeviceIdentity identity,
                      std::optional<boost::asio::ip::address> local_address) {
  ConnectionOptions options = options_.connection;
  if (local_address) options.local_address = local_address;
  auto connection = DeviceConnection::create(executor_, std::move(target), std::move(identity),
                                             std::move(options), random_, *this);
  connection->set_tag(connections_.size());
  connections_.push_back(std::move(connection));
  const std::lock_guard lock(mutex_);
  first_attempt_done_.push_back(false);
}

void DeviceFleet::start() {
  std::size_t first = 0;
  std::size_t last = 0;
  {
    const std::lock_guard lock(mutex_);
    first = next_to_start_;
    last = std::min(connections_.size(), first + std::max<std::size_t>(options_.max_connecting, 1));
    next_to_start_ = last;
  }
  for (std::size_t i = first; i < last; ++i) connections_[i]->start();
}

void DeviceFleet::stop() {
  {
    const std::lock_guard lock(mutex_);
    next_to_start_ = connections_.size();  // nothing more starts
  }
  for (auto& connection : connections_) connection->stop();
}

FleetStats DeviceFleet::stats() const {
  FleetStats stats;
  stats.devices = connections_.size();
  stats.ready = ready_.load();
  stats.stopped = stopped_.load();
  stats.ready_events = ready_events_.load();
  stats.disconnects = disconnects_.load();
  stats.pushes = pushes_.load();
  stats.cancels = cancels_.load();
  stats.results = results_.load();
  stats.notices = notices_.load();
  stats.errors = errors_.load();
  return stats;
}

void DeviceFleet::first_attempt_done(DeviceConnection& connection) {
  std::shared_ptr<DeviceConnection> next;
  {
    const std::lock_guard lock(mutex_);
    const auto index = static_cast<std::size_t>(connection.tag());
    if (first_attempt_done_[index]) return;
    first_attempt_done_[index] = true;
    if (next_to_start_ < connections_.size()) next = connections_[next_to_start_++];
  }
  if (next) next->start();
}

void DeviceFleet::on_ready(DeviceConnection& connection, std::int64_t pending) {
  ++ready_;
  ++ready_events_;
  first_attempt_done(connection);
  if (forward_) forward_->on_ready(connection, pending);
}

void DeviceFleet::on_push(DeviceConnection& connection, const PushRequest& push) {
  ++pushes_;
  if (forward_) forward_->on_push(connection, push);
}

void DeviceFleet::on_cancel(DeviceConnection& connection, const Cancel& cancel) {
  ++cancels_;
  if (forward_) forward_->on_cancel(connection, cancel);
}

void DeviceFleet::on_result(DeviceConnection& connection, const PushResult& result) {
  ++results_;
  if (forward_) forward_->on_result(connection, result);
}

void DeviceFleet::on_notice(DeviceConnection& connection, const Notice& notice) {
  ++notices_;
  if (forward_) forward_->on_notice(connection, notice);
}

void DeviceFleet::on_error(DeviceConnection& connection, const ServerError& error) {
  ++errors_;
  if (forward_) forward_->on_error(connection, error);
}

void DeviceFleet::on_deactivated(DeviceConnection& connection, const Deactivated& why) {
  if (forward_) forward_->on_deactivated(connection, why);
}

void DeviceFleet::on_closed(DeviceConnection& connection, const CloseInfo& info) {
  if (info.was_ready) --ready_;
  if (info.final) {
    ++stopped_;
  } else {
    ++disconnects_;
  }
  first_attempt_done(connection);
  if (forward_) forward_->on_closed(connection, info);
}

}  // namespace twostep::client
