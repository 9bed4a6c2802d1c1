#include "bench/load_bench/push_baseline.hpp"

#include <future>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "client/device_key.hpp"
#include "client/protocol.hpp"
#include "core/crypto.hpp"
#include "core/encoding.hpp"
#include "push/protocol.hpp"

namespace twostep::bench {
namespace {

namespace asio = boost::asio;

/// One io_context on its own thread.
class Loop {
 public:
  Loop() : work_(asio::make_work_guard(io_)), thread_([this] { io_.run(); }) {}
  ~Loop() {
    work_.reset();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

struct Pipeline {
  Loop server, device;
  client::DeviceKey key = client::DeviceKey::generate().value();
  core::P256PublicKey public_key = core::parse_p256_public_key(key.public_key_der()).value();
};

push::PushTransaction transaction(std::size_t index) {
  push::PushTransaction push;
  push.txid = "tx" + std::to_string(index);
  push.requester.name = "VPN";
  push.context = {"203.0.113.7", "Lisbon, PT", "Firefox 128"};
  push.expires_at = std::chrono::system_clock::now() + std::chrono::seconds(60);
  return push;
}

// The server thread's side of the answer: parse, verify, wake the worker.
void server_receives(Pipeline& pipeline, const std::string& frame,
                     std::promise<std::string>& done) {
  auto parsed = push::parse_device_frame(frame);
  if (!parsed || !std::holds_alternative<push::RespondFrame>(*parsed)) {
    done.set_value("respond frame rejected");
    return;
  }
  const auto& respond = std::get<push::RespondFrame>(*parsed);
  const auto signature = core::base64url_decode(respond.signature);
  const bool valid =
      signature &&
      core::verify_p256(pipeline.public_key,
                        push::push_signed_message(respond.txid, respond.decision, respond.number),
                        *signature);
  done.set_value(valid ? "" : "signature rejected");
}

// The device thread's side: parse the push, sign the approval, send it back.
void device_receives(Pipeline& pipeline, const std::string& frame, Clock::time_point& delivered,
                     std::promise<std::string>& done) {
  auto parsed = client::parse_server_frame(frame);
  delivered = Clock::now();
  if (!parsed || !std::holds_alternative<client::PushRequest>(*parsed)) {
    done.set_value("push frame rejected");
    return;
  }
  const std::string txid = std::get<client::PushRequest>(*parsed).txid;
  const std::string number = "42";
  auto signature =
      pipeline.key.sign_base64url(client::push_message(txid, client::Decision::kApprove, number));
  if (!signature) {
    done.set_value("signing failed");
    return;
  }
  asio::post(pipeline.server.io(), [&pipeline, &done,
                                    answer = client::respond_frame(txid, client::Decision::kApprove,
                                                                   number, *signature)] {
    server_receives(pipeline, answer, done);
  });
}

Sample one_round_trip(Pipeline& pipeline, std::size_t index) {
  std::promise<std::string> done;
  Clock::time_point delivered;
  asio::post(pipeline.server.io(), [&pipeline, &done, &delivered, index] {
    asio::post(pipeline.device.io(),
               [&pipeline, &done, &delivered, frame = push::push_frame(transaction(index))] {
                 device_receives(pipeline, frame, delivered, done);
               });
  });
  Sample sample;
  sample.error = done.get_future().get();
  sample.finished = Clock::now();
  sample.delivered = delivered;
  return sample;
}

}  // namespace

boost::json::object run_baseline(const OpenLoopPlan& plan) {
  Pipeline pipeline;
  return run_open_loop(plan, [&pipeline]() -> RoundTrip {
    return [&pipeline](std::size_t index, Clock::time_point) {
      return one_round_trip(pipeline, index);
    };
  });
}

}  // namespace twostep::bench
