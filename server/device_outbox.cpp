// The device session's outgoing side: the bounded queue, one write in flight, the close
// that follows the frames queued before it, and dropping a device that stops reading.
// Everything here runs on the session's strand; send()/close()/going_away() post to it.
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>

#include "core/log.hpp"
#include "server/device_actions.hpp"
#include "server/device_gateway.hpp"
#include "server/device_session.hpp"
#include "server/push_runtime.hpp"

namespace twostep::server {

void DeviceSession::send(std::string json_frame) {
  asio::post(strand_, [self = shared_from_this(), frame = std::move(json_frame)]() mutable {
    self->enqueue(std::move(frame));
    self->pump();
  });
}

void DeviceSession::close(std::string reason) {
  asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)]() mutable {
    // What was queued no longer matters to a deactivated device: the reason goes first.
    self->outbox_.clear();
    self->notice_backlog_.clear();
    self->queued_bytes_ = 0;
    self->request_close({static_cast<websocket::close_code>(kCloseDeactivated), "deactivated"},
                        push::deactivated_frame(reason));
  });
}

void DeviceSession::going_away() {
  asio::post(strand_, [self = shared_from_this()] {
    self->request_close(websocket::close_code::going_away, std::nullopt);
  });
}

void DeviceSession::enqueue(std::string frame, std::string notice_event_id) {
  if (closing_ || dropped_) return;
  if (outbox_.size() >= kMaxQueuedFrames || queued_bytes_ + frame.size() > kMaxQueuedBytes) {
    gateway_->dropped.increment();
    drop("outgoing queue full");
    return;
  }
  queued_bytes_ += frame.size();
  outbox_.push_back(Outgoing{std::move(frame), std::move(notice_event_id)});
}

// Notices read at connect time wait in the backlog and enter the queue as it drains, so a
// long backlog can never overflow the queue and get the device dropped.
void DeviceSession::feed_notices() {
  while (!notice_backlog_.empty() && !closing_ && outbox_.size() < kMaxQueuedFrames / 2 &&
         queued_bytes_ < kMaxQueuedBytes / 2) {
    push::Notice& notice = notice_backlog_.front();
    std::string event_id = notice.event_id;
    enqueue(push::notice_frame(notice), std::move(event_id));
    notice_backlog_.pop_front();
  }
}

void DeviceSession::pump() {
  if (write_in_flight_ || dropped_ || !gate_open_) return;
  if (outbox_.empty()) {
    if (closing_ && !close_sent_) {
      close_sent_ = true;
      ws_.async_close(close_reason_, [self = shared_from_this()](const beast::error_code& ec) {
        if (ec) self->drop("close failed");
      });
    }
    return;
  }
  writing_ = std::move(outbox_.front());
  outbox_.pop_front();
  queued_bytes_ -= writing_.frame.size();
  write_in_flight_ = true;
  ws_.async_write(asio::buffer(writing_.frame),
                  [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                    self->on_written(ec);
                  });
}

void DeviceSession::on_written(const beast::error_code& ec) {
  write_in_flight_ = false;
  if (ec) {
    drop("write failed");
    return;
  }
  if (!writing_.notice_event_id.empty()) {
    gateway_->runtime().post(
        [&app = gateway_->app(), device = device_id_, event = std::move(writing_.notice_event_id)] {
          notice_written(app, device, event);
        });
  }
  writing_ = Outgoing{};
  feed_notices();
  pump();
}

void DeviceSession::request_close(websocket::close_reason reason,
                                  std::optional<std::string> last_frame) {
  if (closing_ || dropped_ || phase_ == Phase::kHandshake) return;
  closing_ = true;
  close_reason_ = std::move(reason);
  notice_backlog_.clear();
  if (phase_ == Phase::kWelcome) {
    // Frames queued behind a `ready` that will never be sent would break the protocol.
    outbox_.clear();
    queued_bytes_ = 0;
  }
  if (last_frame) {
    queued_bytes_ += last_frame->size();
    outbox_.push_back(Outgoing{std::move(*last_frame), {}});
  }
  gate_open_ = true;  // even before `ready`: the close must go out
  pump();
}

void DeviceSession::drop(std::string_view why) {
  if (dropped_) return;
  dropped_ = true;
  core::log(core::LogLevel::kInfo, "device connection dropped",
            {{"device_id", device_id_},
             {"correlation_id", correlation_id_},
             {"reason", std::string(why)}});
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

}  // namespace twostep::server
