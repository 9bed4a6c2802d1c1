#include "tests/unit/server/tls_test_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include <openssl/err.h>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "server/certificate.hpp"
#include "server/tls.hpp"

namespace twostep::server::testing {

TlsTestClient::TlsTestClient(unsigned short port, int max_version) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("connect failed");
  }
  context_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_max_proto_version(context_, max_version);
  ssl_ = SSL_new(context_);
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_connect_state(ssl_);
}

TlsTestClient::~TlsTestClient() {
  SSL_free(ssl_);
  SSL_CTX_free(context_);
  close_tcp();
}

bool TlsTestClient::feed() {
  char buffer[16 * 1024];
  const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
  if (got <= 0) return false;
  BIO_write(in_, buffer, static_cast<int>(got));
  return true;
}

void TlsTestClient::handshake() {
  for (;;) {
    const int ret = SSL_do_handshake(ssl_);
    send_raw(take_output());
    if (ret == 1) return;
    if (SSL_get_error(ssl_, ret) != SSL_ERROR_WANT_READ || !feed()) {
      throw std::runtime_error("client handshake failed");
    }
  }
}

void TlsTestClient::encrypt(std::string_view data) {
  if (SSL_write(ssl_, data.data(), static_cast<int>(data.size())) <= 0) {
    throw std::runtime_error("SSL_write failed");
  }
}

std::string TlsTestClient::take_output() {
  std::string bytes(static_cast<std::size_t>(BIO_pending(out_)), '\0');
  if (!bytes.empty()) BIO_read(out_, bytes.data(), static_cast<int>(bytes.size()));
  return bytes;
}

void TlsTestClient::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) throw std::runtime_error("send failed");
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

void TlsTestClient::write(std::string_view data) {
  encrypt(data);
  send_raw(take_output());
}

std::string TlsTestClient::read_some() {
  char buffer[64 * 1024];
  for (;;) {
    const int got = SSL_read(ssl_, buffer, sizeof buffer);
    send_raw(take_output());
    if (got > 0) return std::string(buffer, static_cast<std::size_t>(got));
    last_error_ = SSL_get_error(ssl_, got);
    if (last_error_ != SSL_ERROR_WANT_READ) return {};
    if (!feed()) {
      last_error_ = SSL_ERROR_SYSCALL;
      return {};
    }
  }
}

std::string TlsTestClient::read_exactly(std::size_t size) {
  std::string all;
  while (all.size() < size) {
    std::string part = read_some();
    if (part.empty()) break;
    all += part;
  }
  return all;
}

void TlsTestClient::close_notify() {
  SSL_shutdown(ssl_);
  send_raw(take_output());
}

void TlsTestClient::half_close() { ::shutdown(fd_, SHUT_WR); }

bool TlsTestClient::ended_by_reset() {
  char buffer[4096];
  ssize_t got = 0;
  while ((got = ::recv(fd_, buffer, sizeof buffer, 0)) > 0) {
  }
  if (got < 0) return errno == ECONNRESET;
  ::usleep(50 * 1000);
  int error = 0;
  socklen_t size = sizeof error;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size);
  return error == ECONNRESET || error == EPIPE;  // EPIPE: a reset after the peer's FIN
}

void TlsTestClient::close_tcp() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

TlsTestServer::TlsTestServer() : acceptor_(io_) {
  core::SeededRandom random{7};
  const TlsFiles files{dir_.path() / "cert.pem", dir_.path() / "key.pem"};
  write_self_signed_certificate(files, {"127.0.0.1"}, core::SystemClock().now(),
                                std::chrono::hours(24), random);
  context_ = make_tls_context(files);
  const boost::asio::ip::tcp::endpoint local(boost::asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(local.protocol());
  acceptor_.bind(local);
  acceptor_.listen();
}

LeanTlsStream TlsTestServer::accept() {
  return LeanTlsStream(acceptor_.accept(), context_->native_handle());
}

}  // namespace twostep::server::testing
