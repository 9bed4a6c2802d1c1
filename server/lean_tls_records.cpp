// LeanTlsStream's operations once tls13::RecordLayer carries the connection: the stream
// reads and writes the socket itself (send with MSG_NOSIGNAL, as the BIO does) and keeps
// only what is in flight — a partial record received, plaintext not yet read, a record the
// socket has not fully taken — so an idle connection holds no buffer.
#include <sys/socket.h>

#include <array>
#include <span>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include "server/lean_tls_stream.hpp"
#include "server/tls13_records.hpp"

namespace twostep::server::lean_tls {
namespace {

namespace asio = boost::asio;

error_code errno_error(int error) { return error_code(error, boost::system::system_category()); }

// One non-blocking send (no SIGPIPE): what the socket took, or -1 with errno.
ssize_t send_now(int fd, const std::vector<std::uint8_t>& bytes) {
  return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

// Received bytes pass through here on their way into the record layer: enough for a whole
// record, so one receive usually brings one.
std::span<std::uint8_t> receive_scratch() {
  thread_local std::array<std::uint8_t, tls13::kHeaderSize + tls13::kMaxCiphertext> buffer;
  return buffer;
}

// Records are sealed here and sent from here; only what the socket does not take is copied.
std::vector<std::uint8_t>& seal_scratch() {
  thread_local std::vector<std::uint8_t> buffer(tls13::kMaxSealed);
  buffer.clear();
  return buffer;
}

}  // namespace

Step Core::read_records(asio::mutable_buffer into) {
  const std::span<std::uint8_t> target(static_cast<std::uint8_t*>(into.data()), into.size());
  for (;;) {
    const tls13::RecordLayer::Read got = records_->read(target);
    if (got.bytes > 0) return Step{Want::kNothing, got.bytes, {}};
    if (got.peer_closed) return failure(asio::error::eof);
    if (got.ec) return fail_records(got.ec);
    const std::span<std::uint8_t> scratch = receive_scratch();
    const ssize_t received = ::recv(socket.native_handle(), scratch.data(), scratch.size(), 0);
    if (received > 0) {
      records_->received(scratch.first(static_cast<std::size_t>(received)));
    } else if (received == 0) {
      fatal_ = true;  // TCP closed without close_notify, as OpenSSL reports it
      return failure(asio::ssl::error::stream_truncated);
    } else if (would_block(errno)) {
      return Step{Want::kRead, 0, {}};
    } else {
      fatal_ = true;
      return failure(errno_error(errno));
    }
  }
}

Step Core::fail_records(error_code ec) {
  fatal_ = true;
  // The alert the protocol asks for, if it can go out at once; the connection ends anyway.
  const auto alert = ec.category() == tls13::record_category()
                         ? tls13::alert_for(static_cast<tls13::RecordError>(ec.value()))
                         : std::nullopt;
  std::vector<std::uint8_t>& sealed = seal_scratch();
  if (alert && unsent_.empty() && !records_->seal_alert(*alert, sealed)) {
    [[maybe_unused]] const ssize_t ignored = send_now(socket.native_handle(), sealed);
  }
  return failure(ec);
}

Step Core::write_records(asio::const_buffer from) {
  if (Step pending = flush(); pending.want != Want::kNothing || pending.ec) return pending;
  // A write that had to wait for the socket completes once its record is out.
  if (unsent_plain_ > 0) return Step{Want::kNothing, std::exchange(unsent_plain_, 0), {}};
  if (fatal_) return failure(asio::error::not_connected);
  const std::span<const std::uint8_t> plain(static_cast<const std::uint8_t*>(from.data()),
                                            std::min(from.size(), tls13::kMaxPlaintext));
  std::vector<std::uint8_t>& sealed = seal_scratch();
  if (error_code ec = records_->seal(plain, sealed)) return failure(ec);
  const ssize_t sent = send_now(socket.native_handle(), sealed);
  if (sent < 0 && !would_block(errno)) {
    fatal_ = true;
    return failure(errno_error(errno));
  }
  const std::size_t taken = sent > 0 ? static_cast<std::size_t>(sent) : 0;
  if (taken == sealed.size()) return Step{Want::kNothing, plain.size(), {}};
  // The record is sealed (its sequence number used): it must go out as it is, so the rest
  // waits here and the write completes when it is sent.
  unsent_.assign(sealed.begin() + static_cast<std::ptrdiff_t>(taken), sealed.end());
  unsent_plain_ = plain.size();
  return Step{Want::kWrite, 0, {}};
}

Step Core::flush() {
  while (!unsent_.empty()) {
    const ssize_t sent = send_now(socket.native_handle(), unsent_);
    if (sent < 0) {
      if (would_block(errno)) return Step{Want::kWrite, 0, {}};
      fatal_ = true;
      return failure(errno_error(errno));
    }
    if (static_cast<std::size_t>(sent) == unsent_.size()) {
      std::vector<std::uint8_t>().swap(unsent_);
    } else {
      unsent_.erase(unsent_.begin(), unsent_.begin() + sent);
    }
  }
  return Step{};
}

Step Core::shutdown_records() {
  if (fatal_) return failure(asio::error::not_connected);
  if (!close_notify_queued_) {
    // After whatever is still unsent: the order of records is the order of sequence numbers.
    if (error_code ec = records_->seal_alert(0, unsent_)) return failure(ec);
    close_notify_queued_ = true;
  }
  if (Step pending = flush(); pending.want != Want::kNothing || pending.ec) return pending;
  close_notify_sent_ = true;
  return Step{};
}

}  // namespace twostep::server::lean_tls
