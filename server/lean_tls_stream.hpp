// The server's TLS stream: OpenSSL driven directly on the non-blocking socket, exposed as a
// Beast AsyncStream with tcp_stream-style deadlines. It replaces asio::ssl::stream, whose two
// 17 KiB buffers per connection made an idle device cost ~76 KiB (docs/BENCHMARKS.md). Each
// operation calls OpenSSL; when OpenSSL asks to read or write first, it waits for that
// readiness on the socket and calls again. After a TLS 1.3 handshake OpenSSL's connection is
// freed and tls13::RecordLayer protects the records instead (server/tls13_records.hpp): the
// stream then reads and writes the socket itself. One read and one write may be pending at
// the same time; everything runs on the connection's strand.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <openssl/ssl.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/system/error_code.hpp>

#include "server/ws_frame_boundary.hpp"

namespace twostep::server {

namespace tls13 {
class HandshakeSecrets;
class RecordLayer;
}  // namespace tls13

namespace lean_tls {

using boost::system::error_code;
using Socket = boost::asio::ip::tcp::socket;
using Clock = std::chrono::steady_clock;

/// Largest plaintext of one TLS record: one write_some sends at most one record.
inline constexpr std::size_t kMaxRecord = 16 * 1024;

enum class Want { kNothing, kRead, kWrite };
/// The outcome of one non-blocking OpenSSL call: done (`bytes`, `ec`), or what to wait for.
struct Step {
  Want want = Want::kNothing;
  std::size_t bytes = 0;
  error_code ec;
};
inline Step failure(error_code ec) { return Step{Want::kNothing, 0, ec}; }
/// An errno that means "try again when the socket is ready".
inline bool would_block(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

/// The state all operations of one stream share. Heap-allocated (a moved stream keeps it in
/// place, and OpenSSL's BIO points at it); a deadline's handler holds only a weak_ptr.
class Core : public std::enable_shared_from_this<Core> {
 public:
  Core(Socket socket, SSL_CTX* context);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  Step handshake();
  Step read(boost::asio::mutable_buffer into);
  Step write(boost::asio::const_buffer from);
  /// Sends close_notify once; does not wait for the peer's.
  Step shutdown();
  /// Reads bytes below TLS (to drain a closing connection).
  Step read_raw(boost::asio::mutable_buffer into);
  /// OpenSSL or the record layer holds bytes not yet handed on (decrypted or not).
  bool has_buffered() const;
  /// The record layer carries the connection (OpenSSL's connection is gone).
  bool handed_over() const { return records_ != nullptr; }
  /// A per-thread buffer of kMaxRecord bytes to gather a multi-buffer write into.
  static boost::asio::mutable_buffer scratch();

  void begin_op();
  void end_op();
  /// The error an operation reports when its wait failed with `ec`.
  error_code wait_failed(const error_code& ec) const;
  void expires_after(Clock::duration timeout);
  void expires_never();
  void cancel();
  void close();

  Socket socket;
  SSL* ssl = nullptr;  // null after the hand-over
  int io_errno = 0;    // set by the BIO when the socket fails
  std::optional<FrameBoundary> frames;

 private:
  Step usable() const;
  Step outcome(int ret);
  void arm();
  void hand_over();
  Step read_openssl(boost::asio::mutable_buffer into);
  Step read_records(boost::asio::mutable_buffer into);
  Step write_openssl(boost::asio::const_buffer from);
  Step write_records(boost::asio::const_buffer from);
  Step shutdown_records();
  /// Sends what `unsent_` holds; waits (kWrite) while the socket takes no more.
  Step flush();
  Step fail_records(error_code ec);

  std::unique_ptr<tls13::HandshakeSecrets> secrets_;  // during the handshake
  std::unique_ptr<tls13::RecordLayer> records_;       // after the hand-over
  // Sealed records the socket has not taken yet (empty when idle), and the plaintext size
  // of the write whose record they end with: that write completes once they are sent.
  std::vector<std::uint8_t> unsent_;
  std::size_t unsent_plain_ = 0;
  bool close_notify_queued_ = false;

  boost::asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  unsigned generation_ = 0;
  unsigned pending_ = 0;
  bool timed_out_ = false;
  bool fatal_ = false;
  bool close_notify_sent_ = false;
};

/// Calls `step` until it no longer asks to wait; never completes inside the initiating
/// function (a result ready at once is posted).
template <class StepFn, bool kWithBytes>
class StepOp {
 public:
  StepOp(std::shared_ptr<Core> core, StepFn step)
      : core_(std::move(core)), step_(std::move(step)) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}) {
    if (state_ == State::kPosted) return finish(self, result_.ec, result_.bytes);
    if (state_ == State::kStart) {
      core_->begin_op();
    } else if (ec) {
      return finish(self, core_->wait_failed(ec), 0);
    }
    result_ = step_(*core_);
    if (result_.want != Want::kNothing) {
      state_ = State::kWaiting;
      core_->socket.async_wait(result_.want == Want::kRead ? Socket::wait_read : Socket::wait_write,
                               std::move(self));
      return;
    }
    if (state_ == State::kStart) {
      state_ = State::kPosted;
      boost::asio::post(std::move(self));
      return;
    }
    finish(self, result_.ec, result_.bytes);
  }

 private:
  enum class State { kStart, kWaiting, kPosted };

  template <class Self>
  void finish(Self& self, error_code ec, std::size_t bytes) {
    core_->end_op();
    if constexpr (kWithBytes) {
      self.complete(ec, bytes);
    } else {
      self.complete(ec);
    }
  }

  std::shared_ptr<Core> core_;
  StepFn step_;
  State state_ = State::kStart;
  Step result_;
};

/// Waits until the socket is readable, or completes (posted) at once when OpenSSL already
/// holds bytes.
class WaitReadableOp {
 public:
  explicit WaitReadableOp(std::shared_ptr<Core> core) : core_(std::move(core)) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}) {
    if (!started_) {
      started_ = true;
      core_->begin_op();
      if (core_->has_buffered()) {
        boost::asio::post(std::move(self));
      } else {
        waited_ = true;
        core_->socket.async_wait(Socket::wait_read, std::move(self));
      }
      return;
    }
    core_->end_op();
    self.complete(waited_ && ec ? core_->wait_failed(ec) : error_code{});
  }

 private:
  std::shared_ptr<Core> core_;
  bool started_ = false;
  bool waited_ = false;
};

/// The first non-empty buffer of a sequence (an empty one when there is none).
template <class Buffer, class Sequence>
Buffer first_buffer(const Sequence& buffers) {
  for (auto it = boost::asio::buffer_sequence_begin(buffers);
       it != boost::asio::buffer_sequence_end(buffers); ++it) {
    Buffer buffer(*it);
    if (buffer.size() > 0) return buffer;
  }
  return Buffer{};
}

/// One record's worth of `buffers`: a header and a payload in separate buffers (as Beast
/// writes a WebSocket frame) go out as one record, not two.
template <class ConstBufferSequence>
Step write_some(Core& core, const ConstBufferSequence& buffers) {
  const std::size_t total = std::min(boost::asio::buffer_size(buffers), kMaxRecord);
  if (total == 0) return {};
  const auto first = first_buffer<boost::asio::const_buffer>(buffers);
  if (first.size() >= total) return core.write(boost::asio::buffer(first.data(), total));
  // Gathered again on a retry: the same bytes, as OpenSSL requires.
  const auto gathered = boost::asio::buffer(Core::scratch(), total);
  boost::asio::buffer_copy(gathered, buffers);
  return core.write(gathered);
}

}  // namespace lean_tls

/// A server-side TLS connection (see the file comment). Movable; not copyable.
class LeanTlsStream {
 public:
  using executor_type = boost::asio::any_io_executor;

  /// Takes the accepted socket and makes it non-blocking; the connection uses `context`
  /// as it is now (a later reload does not affect it).
  LeanTlsStream(lean_tls::Socket socket, SSL_CTX* context);

  executor_type get_executor() noexcept { return core_->socket.get_executor(); }
  lean_tls::Socket& socket() { return core_->socket; }
  /// OpenSSL's connection: null once the record layer took over (after a TLS 1.3 handshake).
  SSL* native_handle() { return core_->ssl; }
  bool handed_over() const { return core_->handed_over(); }

  /// A deadline for the operations pending now and started before it passes (as
  /// beast::tcp_stream): when it passes with an operation pending, the socket is closed and
  /// the operation fails with beast::error::timeout.
  void expires_after(std::chrono::steady_clock::duration timeout) { core_->expires_after(timeout); }
  void expires_never() { core_->expires_never(); }
  /// Pending operations fail with operation_aborted.
  void cancel() { core_->cancel(); }
  void close() { core_->close(); }

  /// From now on reads stop at WebSocket frame ends (see ws_frame_boundary.hpp). Call it
  /// right after the WebSocket handshake.
  void follow_websocket_frames() { core_->frames.emplace(); }
  /// True when reads follow frames and stopped at a frame's end.
  bool at_frame_boundary() const { return core_->frames && core_->frames->at_boundary(); }

  template <class Token>
  auto async_handshake(Token&& token) {
    auto step = [](lean_tls::Core& core) { return core.handshake(); };
    return compose<void(lean_tls::error_code)>(lean_tls::StepOp<decltype(step), false>(core_, step),
                                               std::forward<Token>(token));
  }

  template <class MutableBufferSequence, class Token>
  auto async_read_some(const MutableBufferSequence& buffers, Token&& token) {
    auto step = [buffers](lean_tls::Core& core) {
      return core.read(lean_tls::first_buffer<boost::asio::mutable_buffer>(buffers));
    };
    return compose<void(lean_tls::error_code, std::size_t)>(
        lean_tls::StepOp<decltype(step), true>(core_, step), std::forward<Token>(token));
  }

  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    auto step = [buffers](lean_tls::Core& core) { return lean_tls::write_some(core, buffers); };
    return compose<void(lean_tls::error_code, std::size_t)>(
        lean_tls::StepOp<decltype(step), true>(core_, step), std::forward<Token>(token));
  }

  /// Sends close_notify (once) without waiting for the peer's (RFC 8446 §6.1 allows it).
  template <class Token>
  auto async_shutdown(Token&& token) {
    auto step = [](lean_tls::Core& core) { return core.shutdown(); };
    return compose<void(lean_tls::error_code)>(lean_tls::StepOp<decltype(step), false>(core_, step),
                                               std::forward<Token>(token));
  }

  /// Reads bytes below TLS, undecrypted: only to discard what a closing peer still sends.
  template <class Token>
  auto async_read_some_raw(boost::asio::mutable_buffer buffer, Token&& token) {
    auto step = [buffer](lean_tls::Core& core) { return core.read_raw(buffer); };
    return compose<void(lean_tls::error_code, std::size_t)>(
        lean_tls::StepOp<decltype(step), true>(core_, step), std::forward<Token>(token));
  }

  /// Half-closes the TCP connection (FIN), then reads and discards, below TLS, what the
  /// peer still sends until it closes, the deadline passes or `max_bytes` were discarded:
  /// closing with unread bytes would make the kernel send a reset, which can destroy what
  /// we sent last before the peer reads it. Completes with no error when the peer closed.
  template <class Token>
  auto async_drain(std::size_t max_bytes, Token&& token);

  /// Completes when a read would find bytes: at once if OpenSSL holds some, else when the
  /// socket becomes readable. Keeps no buffer while it waits.
  template <class Token>
  auto async_wait_readable(Token&& token) {
    return compose<void(lean_tls::error_code)>(lean_tls::WaitReadableOp(core_),
                                               std::forward<Token>(token));
  }

  /// Beast's close_socket (WebSocket timeouts) ends up here.
  friend void beast_close_socket(LeanTlsStream& stream) { stream.close(); }

 private:
  template <class Signature, class Op, class Token>
  auto compose(Op op, Token&& token) {
    return boost::asio::async_compose<Token, Signature>(std::move(op), token, core_->socket);
  }

  std::shared_ptr<lean_tls::Core> core_;
};

namespace lean_tls {

/// The loop of LeanTlsStream::async_drain.
class DrainOp {
 public:
  DrainOp(LeanTlsStream& stream, std::size_t max_bytes)
      : stream_(stream), max_bytes_(max_bytes), scratch_(std::make_unique<char[]>(kScratch)) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}, std::size_t bytes = 0) {
    if (!started_) {
      started_ = true;
      error_code ignored;
      stream_.socket().shutdown(Socket::shutdown_send, ignored);
    } else {
      drained_ += bytes;
      if (ec || drained_ >= max_bytes_) {
        self.complete(ec == boost::asio::error::eof ? error_code{} : ec);
        return;
      }
    }
    stream_.async_read_some_raw(boost::asio::buffer(scratch_.get(), kScratch), std::move(self));
  }

 private:
  static constexpr std::size_t kScratch = 16 * 1024;

  LeanTlsStream& stream_;
  std::size_t max_bytes_;
  std::unique_ptr<char[]> scratch_;  // on the heap: the op moves while a read is pending
  bool started_ = false;
  std::size_t drained_ = 0;
};

/// The WebSocket's teardown when the server closes: close_notify, then drain until the
/// peer's FIN, then close. The server closes on its own (1009, 4401…) without waiting for
/// the client's close frame, which may arrive with its close_notify in two pieces; Beast's
/// own TCP teardown stopped after its first read, so the second piece met a closed socket
/// and the reset could destroy our close frame before the client read it.
class TeardownOp {
 public:
  explicit TeardownOp(LeanTlsStream& stream) : stream_(stream) {}

  template <class Self>
  void operator()(Self& self, error_code ec = {}) {
    switch (state_) {
      case kStart:
        state_ = kNotified;
        // A peer that never closes would otherwise hold the socket until the WebSocket's
        // own timer, minutes later.
        stream_.expires_after(kPeerCloseLimit);
        stream_.async_shutdown(std::move(self));
        return;
      case kNotified:
        state_ = kDrained;
        shutdown_ = ec;
        stream_.async_drain(kMaxDrained, std::move(self));
        return;
      default:
        stream_.close();
        self.complete(shutdown_);
    }
  }

 private:
  static constexpr std::chrono::seconds kPeerCloseLimit{5};
  static constexpr std::size_t kMaxDrained = 64 * 1024;
  enum State { kStart, kNotified, kDrained };

  LeanTlsStream& stream_;
  State state_ = kStart;
  error_code shutdown_;
};

}  // namespace lean_tls

template <class Token>
auto LeanTlsStream::async_drain(std::size_t max_bytes, Token&& token) {
  return compose<void(lean_tls::error_code)>(lean_tls::DrainOp(*this, max_bytes),
                                             std::forward<Token>(token));
}

/// WebSocket teardown (Beast finds it by ADL). The stream is the server's, so `role` is
/// always the server's.
template <class TeardownHandler>
void async_teardown(boost::beast::role_type, LeanTlsStream& stream, TeardownHandler&& handler) {
  boost::asio::async_compose<TeardownHandler, void(lean_tls::error_code)>(
      lean_tls::TeardownOp(stream), handler, stream.socket());
}

}  // namespace twostep::server
