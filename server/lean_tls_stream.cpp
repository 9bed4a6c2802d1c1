// OpenSSL calls, error mapping and deadlines of LeanTlsStream. OpenSSL talks to the socket
// through a small BIO of our own so that writes use MSG_NOSIGNAL (no SIGPIPE, even in an
// embedding process that did not ignore it) and the BIO sees a closed socket as closed
// rather than a file descriptor number that another connection may already reuse.
#include "server/lean_tls_stream.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>

#include "server/tls13_handover.hpp"
#include "server/tls13_records.hpp"

namespace twostep::server {
namespace lean_tls {
namespace {

namespace asio = boost::asio;

Core* core_of(BIO* bio) { return static_cast<Core*>(BIO_get_data(bio)); }

// Shared by read and write: a would-block is a retry, anything else is recorded for the
// error OpenSSL will report as SSL_ERROR_SYSCALL.
int io_result(BIO* bio, ssize_t result, bool reading) {
  if (result >= 0) return static_cast<int>(result);
  const int error = errno;
  if (would_block(error)) {
    reading ? BIO_set_retry_read(bio) : BIO_set_retry_write(bio);
  } else {
    core_of(bio)->io_errno = error;
  }
  return -1;
}

int bio_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  const int fd = core_of(bio)->socket.native_handle();
  return io_result(bio, ::send(fd, data, static_cast<std::size_t>(size), MSG_NOSIGNAL), false);
}

int bio_read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  const int fd = core_of(bio)->socket.native_handle();
  return io_result(bio, ::recv(fd, data, static_cast<std::size_t>(size), 0), true);
}

int bio_puts(BIO* bio, const char* text) {
  return bio_write(bio, text, static_cast<int>(std::char_traits<char>::length(text)));
}

long bio_ctrl(BIO* bio, int command, long, void* pointer) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_C_GET_FD: {
      const int fd = core_of(bio)->socket.native_handle();
      if (pointer != nullptr) *static_cast<int*>(pointer) = fd;
      return fd;
    }
    default:
      return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

const BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m =
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "twostep nosignal socket");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_puts(m, bio_puts);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

}  // namespace

Core::Core(Socket socket_in, SSL_CTX* context)
    : socket(std::move(socket_in)), timer_(socket.get_executor()) {
  error_code ignored;
  socket.non_blocking(true, ignored);
  ssl = SSL_new(context);
  BIO* bio = ssl != nullptr ? BIO_new(socket_method()) : nullptr;
  if (bio == nullptr) {
    SSL_free(ssl);
    ssl = nullptr;  // every operation fails with no_memory
    return;
  }
  BIO_set_data(bio, this);
  SSL_set_bio(ssl, bio, bio);
  SSL_set_accept_state(ssl);
  secrets_ = std::make_unique<tls13::HandshakeSecrets>(ssl);
}

Core::~Core() {
  secrets_.reset();  // detaches from the SSL object first
  SSL_free(ssl);
}

Step Core::usable() const {
  if (timed_out_) return failure(boost::beast::error::timeout);
  if (ssl == nullptr && !records_) return failure(asio::error::no_memory);
  if (!socket.is_open()) return failure(asio::error::bad_descriptor);
  return Step{};
}

Step Core::outcome(int ret) {
  switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ:
      return Step{Want::kRead, 0, {}};
    case SSL_ERROR_WANT_WRITE:
      return Step{Want::kWrite, 0, {}};
    case SSL_ERROR_ZERO_RETURN:
      return failure(asio::error::eof);
    case SSL_ERROR_SYSCALL:
      fatal_ = true;
      // No errno: the peer closed TCP without close_notify (OpenSSL 1.1 reports it so).
      if (io_errno == 0) return failure(asio::ssl::error::stream_truncated);
      return failure(error_code(io_errno, boost::system::system_category()));
    default: {
      fatal_ = true;
      const unsigned long code = ERR_get_error();
      // OpenSSL 3 reports a TCP close without close_notify as this SSL error; Asio maps it
      // to stream_truncated, which Beast treats as a plain end of stream.
      if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        return failure(asio::ssl::error::stream_truncated);
      }
      return failure(error_code(static_cast<int>(code), asio::error::get_ssl_category()));
    }
  }
}

Step Core::handshake() {
  if (Step bad = usable(); bad.ec) return bad;
  ERR_clear_error();
  io_errno = 0;
  if (records_) return Step{};
  const int ret = SSL_do_handshake(ssl);
  if (ret != 1) return outcome(ret);
  hand_over();
  return Step{};
}

void Core::hand_over() {
  if (secrets_ == nullptr) return;
  records_ = secrets_->hand_over();
  secrets_.reset();
  if (records_ == nullptr) return;  // OpenSSL carries on
  SSL_free(ssl);
  ssl = nullptr;
}

Step Core::read(asio::mutable_buffer into) {
  if (into.size() == 0) return Step{};
  if (Step bad = usable(); bad.ec) return bad;
  const auto limited = asio::buffer(into, frames ? frames->limit(into.size()) : into.size());
  const Step step = records_ ? read_records(limited) : read_openssl(limited);
  if (frames && step.bytes > 0) {
    frames->observe(static_cast<const unsigned char*>(into.data()), step.bytes);
  }
  return step;
}

Step Core::read_openssl(asio::mutable_buffer into) {
  ERR_clear_error();
  io_errno = 0;
  std::size_t got = 0;
  const int ok = SSL_read_ex(ssl, into.data(), into.size(), &got);
  if (ok != 1) return outcome(ok);
  return Step{Want::kNothing, got, {}};
}

Step Core::write(asio::const_buffer from) {
  if (from.size() == 0) return Step{};
  if (Step bad = usable(); bad.ec) return bad;
  return records_ ? write_records(from) : write_openssl(from);
}

Step Core::write_openssl(asio::const_buffer from) {
  ERR_clear_error();
  io_errno = 0;
  std::size_t written = 0;
  const int ok = SSL_write_ex(ssl, from.data(), from.size(), &written);
  return ok == 1 ? Step{Want::kNothing, written, {}} : outcome(ok);
}

Step Core::shutdown() {
  if (close_notify_sent_) return Step{};
  if (Step bad = usable(); bad.ec) return bad;
  if (records_) return shutdown_records();
  // No close_notify after a fatal error (OpenSSL forbids it) or before the handshake ended.
  if (fatal_ || SSL_is_init_finished(ssl) != 1) return failure(asio::error::not_connected);
  ERR_clear_error();
  io_errno = 0;
  const int ret = SSL_shutdown(ssl);
  if (ret >= 0) {
    close_notify_sent_ = true;  // 0: sent, the peer's not received; it is not awaited
    return Step{};
  }
  Step step = outcome(ret);
  if (step.want == Want::kRead) {
    close_notify_sent_ = true;
    return Step{};
  }
  return step;
}

Step Core::read_raw(asio::mutable_buffer into) {
  if (Step bad = usable(); bad.ec) return bad;
  error_code ec;
  const std::size_t got = socket.read_some(asio::buffer(into), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    return Step{Want::kRead, 0, {}};
  }
  return Step{Want::kNothing, got, ec};
}

bool Core::has_buffered() const {
  if (records_) return records_->readable();
  return ssl != nullptr && (SSL_pending(ssl) > 0 || SSL_has_pending(ssl) == 1);
}

asio::mutable_buffer Core::scratch() {
  thread_local std::array<unsigned char, kMaxRecord> buffer;
  return asio::buffer(buffer);
}

void Core::begin_op() {
  if (pending_++ == 0 && deadline_ != Clock::time_point::max()) arm();
}

void Core::end_op() {
  if (--pending_ == 0 && deadline_ != Clock::time_point::max()) {
    ++generation_;
    timer_.cancel();
  }
}

error_code Core::wait_failed(const error_code& ec) const {
  return timed_out_ ? error_code(boost::beast::error::timeout) : ec;
}

void Core::expires_after(Clock::duration timeout) {
  deadline_ = Clock::now() + timeout;
  if (pending_ > 0) arm();
}

void Core::expires_never() {
  deadline_ = Clock::time_point::max();
  ++generation_;
  timer_.cancel();
}

void Core::arm() {
  const unsigned generation = ++generation_;
  timer_.expires_at(deadline_);
  timer_.async_wait([weak = weak_from_this(), generation](const error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->generation_ != generation) return;
    self->timed_out_ = true;
    error_code ignored;
    self->socket.close(ignored);
  });
}

void Core::cancel() {
  error_code ignored;
  socket.cancel(ignored);
}

void Core::close() {
  ++generation_;
  timer_.cancel();
  error_code ignored;
  socket.close(ignored);
}

}  // namespace lean_tls

LeanTlsStream::LeanTlsStream(lean_tls::Socket socket, SSL_CTX* context)
    : core_(std::make_shared<lean_tls::Core>(std::move(socket), context)) {}

}  // namespace twostep::server
