// The webhook's HTTPS client on OpenSSL; see https_client.hpp. The socket is non-blocking
// and every step (connect, handshake, write, read) waits in poll() for the time left until
// one deadline, so a silent or trickling receiver cannot hold the caller longer than the
// timeout.
#include "phone/https_client.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace twostep::phone::detail {
namespace {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;
using Failure = std::unexpected<std::string>;

int remaining_ms(Deadline deadline) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, INT_MAX));
}

// Waits until `fd` is ready for `events`; false on timeout or error.
bool wait_for(int fd, short events, Deadline deadline) {
  for (;;) {
    const int ms = remaining_ms(deadline);
    if (ms == 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, ms);
    if (r > 0) return true;
    if (r == 0 || errno != EINTR) return false;
  }
}

class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// OpenSSL writes with write(2): a receiver that closes early would raise SIGPIPE and end
// the process unless it is ignored. The server ignores it; this keeps the library safe in any
// host by blocking SIGPIPE on this thread for the exchange and consuming one it raised.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{0, 0};
      sigtimedwait(&set_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

std::string openssl_error(std::string what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return what + ": " + text;
}

std::expected<Socket, std::string> connect_tcp(const HttpsTarget& target, Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc =
      ::getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &found);
  if (rc != 0) return Failure("resolving " + target.host + ": " + ::gai_strerror(rc));
  const std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(found, ::freeaddrinfo);
  std::string last = "no address for " + target.host;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Socket s(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (s.get() < 0) continue;
    if (::connect(s.get(), a->ai_addr, a->ai_addrlen) == 0) return s;
    if (errno != EINPROGRESS) {
      last = std::string("connect: ") + std::strerror(errno);
      continue;
    }
    if (!wait_for(s.get(), POLLOUT, deadline)) return Failure("connect: timed out");
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err == 0) return s;
    last = std::string("connect: ") + std::strerror(err);
  }
  return Failure(last);
}

// Runs one OpenSSL I/O call until it completes, waiting for the socket as it asks. Returns
// the call's positive result, or 0 when the peer closed the connection.
template <class F>
std::expected<int, std::string> drive(SSL* ssl, int fd, Deadline deadline, std::string_view what,
                                      F&& call) {
  for (;;) {
    ERR_clear_error();
    const int r = call();
    if (r > 0) return r;
    const int err = SSL_get_error(ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!wait_for(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        return Failure(std::string(what) + ": timed out");
      }
      continue;
    }
    if (err == SSL_ERROR_ZERO_RETURN) return 0;
    if (err == SSL_ERROR_SYSCALL && errno != 0) {
      return Failure(std::string(what) + ": " + std::strerror(errno));
    }
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      return Failure(std::string(what) + ": certificate: " + X509_verify_cert_error_string(verify));
    }
    return Failure(openssl_error(std::string(what)));
  }
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// The status code of "HTTP/1.x NNN …", or nullopt.
std::optional<int> status_code(std::string_view head) {
  if (!head.starts_with("HTTP/1.") || head.size() < 12 || head[8] != ' ') return std::nullopt;
  int code = 0;
  for (char c : head.substr(9, 3)) {
    if (c < '0' || c > '9') return std::nullopt;
    code = code * 10 + (c - '0');
  }
  return code;
}

std::string request_text(const HttpsTarget& target, std::span<const Header> headers,
                         std::string_view body) {
  const bool v6 = target.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + target.host + "]" : target.host;
  if (target.port != 443) host += ":" + std::to_string(target.port);
  std::string out = "POST " + target.path + " HTTP/1.1\r\nHost: " + host +
                    "\r\nUser-Agent: twostep\r\nContent-Type: application/json\r\n"
                    "Content-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

bool valid_host(std::string_view host, bool bracketed) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [&](char c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alnum || c == '.' || c == '-' || (bracketed && c == ':');
  });
}

}  // namespace

std::expected<HttpsTarget, std::string> parse_https_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme)) return Failure("the webhook URL must start with https://");
  if (url.find_first_of("#@ \t\r\n") != std::string_view::npos) {
    return Failure("the webhook URL may not have user info, a fragment or spaces");
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t end = std::min(rest.find_first_of("/?"), rest.size());
  std::string_view authority = rest.substr(0, end);
  HttpsTarget target;
  const std::string_view path = rest.substr(end);
  target.path =
      path.empty() ? "/" : (path.front() == '?' ? "/" + std::string(path) : std::string(path));
  std::string_view port;
  bool bracketed = false;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Failure("unclosed [ in the webhook URL");
    target.host = std::string(authority.substr(1, close - 1));
    bracketed = true;
    authority.remove_prefix(close + 1);
    if (!authority.empty() && !authority.starts_with(':')) return Failure("bad webhook URL host");
    port = authority.empty() ? std::string_view() : authority.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (!valid_host(target.host, bracketed)) return Failure("bad webhook URL host");
  if (!port.empty() || authority.ends_with(':')) {
    const bool digits =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return Failure("bad webhook URL port");
    unsigned value = 0;
    for (char c : port) value = value * 10 + static_cast<unsigned>(c - '0');
    if (value == 0 || value > 65535) return Failure("bad webhook URL port");
    target.port = static_cast<std::uint16_t>(value);
  }
  return target;
}

struct HttpsClient::Impl {
  SSL_CTX* ctx = nullptr;
};

HttpsClient::HttpsClient(const std::filesystem::path& ca_file) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = SSL_CTX_new(TLS_client_method());
  if (impl_->ctx == nullptr) throw std::runtime_error(openssl_error("SSL_CTX_new"));
  SSL_CTX_set_min_proto_version(impl_->ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(impl_->ctx, SSL_VERIFY_PEER, nullptr);
  // A receiver that closes without close_notify after its response is common; the status
  // line has been read by then, so treat it as an ordinary end of stream.
  SSL_CTX_set_options(impl_->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  const bool loaded =
      ca_file.empty() ? SSL_CTX_set_default_verify_paths(impl_->ctx) == 1
                      : SSL_CTX_load_verify_locations(impl_->ctx, ca_file.c_str(), nullptr) == 1;
  if (!loaded) {
    SSL_CTX_free(impl_->ctx);
    throw std::runtime_error(openssl_error("loading CA certificates " + ca_file.string()));
  }
}

HttpsClient::~HttpsClient() { SSL_CTX_free(impl_->ctx); }

std::expected<int, std::string> HttpsClient::post(const HttpsTarget& target,
                                                  std::span<const Header> headers,
                                                  std::string_view body,
                                                  std::chrono::milliseconds timeout) const {
  const SigpipeBlock no_sigpipe;
  const Deadline deadline = SteadyClock::now() + timeout;
  auto socket = connect_tcp(target, deadline);
  if (!socket) return Failure(socket.error());
  const std::unique_ptr<SSL, void (*)(SSL*)> ssl(SSL_new(impl_->ctx), SSL_free);
  if (!ssl || SSL_set_fd(ssl.get(), socket->get()) != 1) return Failure(openssl_error("SSL_new"));
  const bool configured =
      is_ip_literal(target.host)
          ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), target.host.c_str()) == 1
          : SSL_set_tlsext_host_name(ssl.get(), target.host.c_str()) == 1 &&
                SSL_set1_host(ssl.get(), target.host.c_str()) == 1;
  if (!configured) return Failure(openssl_error("TLS peer name " + target.host));
  const int fd = socket->get();
  if (auto r =
          drive(ssl.get(), fd, deadline, "TLS handshake", [&] { return SSL_connect(ssl.get()); });
      !r || *r == 0) {
    return Failure(r ? "TLS handshake: connection closed" : r.error());
  }
  const std::string request = request_text(target, headers, body);
  if (auto r = drive(
          ssl.get(), fd, deadline, "sending",
          [&] { return SSL_write(ssl.get(), request.data(), static_cast<int>(request.size())); });
      !r || *r == 0) {
    return Failure(r ? "sending: connection closed" : r.error());
  }
  // Only the status line matters; read until it is complete (bounded).
  std::string head;
  char buf[1024];
  while (head.find("\r\n") == std::string::npos && head.size() < 8192) {
    auto r = drive(ssl.get(), fd, deadline, "reading the response",
                   [&] { return SSL_read(ssl.get(), buf, sizeof buf); });
    if (!r) return Failure(r.error());
    if (*r == 0) break;
    head.append(buf, static_cast<std::size_t>(*r));
  }
  SSL_shutdown(ssl.get());  // best effort; the connection closes either way
  if (auto code = status_code(head)) return *code;
  return Failure("malformed HTTP response");
}

}  // namespace twostep::phone::detail
