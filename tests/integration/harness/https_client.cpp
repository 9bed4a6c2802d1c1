// The test client on Beast. Every operation is asynchronous under a tcp_stream deadline and
// driven to completion by running a private io_context, which makes it synchronous for the
// caller and still bounded in time (blocking socket calls would ignore the deadline).
#include "tests/integration/harness/https_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace twostep::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using Stream = beast::ssl_stream<beast::tcp_stream>;

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Completion handler for both (ec) and (ec, bytes) signatures.
struct Completion {
  beast::error_code* ec;
  std::size_t* bytes;
  void operator()(beast::error_code e) const { *ec = e; }
  void operator()(beast::error_code e, std::size_t n) const {
    *ec = e;
    *bytes = n;
  }
};

// Starts one async operation and runs the io_context until it completes.
template <class Start>
beast::error_code run(asio::io_context& ioc, Start&& start, std::size_t* bytes = nullptr) {
  beast::error_code ec;
  std::size_t ignored = 0;
  start(Completion{&ec, bytes != nullptr ? bytes : &ignored});
  ioc.restart();
  ioc.run();
  return ec;
}

void check(const beast::error_code& ec, std::string_view what) {
  if (ec) throw ClientError(std::string(what) + ": " + ec.message());
}

std::shared_ptr<ssl::context> make_context(const ClientOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  if (options.min_tls_version != 0) {
    SSL_CTX_set_min_proto_version(native, options.min_tls_version);
    if (options.min_tls_version < TLS1_2_VERSION) {
      // OpenSSL 3 refuses old protocols at its default security level; lower it so the
      // client really offers them and the server is the one saying no.
      SSL_CTX_set_security_level(native, 0);
      SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
    }
  }
  if (options.max_tls_version != 0) SSL_CTX_set_max_proto_version(native, options.max_tls_version);
  if (!options.tls12_ciphers.empty() &&
      SSL_CTX_set_cipher_list(native, options.tls12_ciphers.c_str()) != 1) {
    throw ClientError("unknown cipher list " + options.tls12_ciphers);
  }
  if (options.ca_file.empty()) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    ctx->load_verify_file(options.ca_file.string());
    ctx->set_verify_mode(ssl::verify_peer);
  }
  return ctx;
}

bool is_ip(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// One TLS connection, opened and handshaken in the constructor.
struct Connection {
  Connection(asio::io_context& ioc, ssl::context& ctx, const ClientOptions& options,
             std::uint16_t port)
      : ioc_(ioc), options_(options), stream(ioc, ctx) {
    SSL* ssl_handle = stream.native_handle();
    SSL_set_tlsext_host_name(ssl_handle, "localhost");
    if (!options.ca_file.empty()) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
      if (is_ip(options.verify_host)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, options.verify_host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_host(param, options.verify_host.c_str(), 0);
      }
    }
    auto& tcp = beast::get_lowest_layer(stream);
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(options.host), port);
    if (!options.source_address.empty()) {
      tcp.socket().open(endpoint.protocol());
      tcp.socket().bind({asio::ip::make_address(options.source_address), 0});
    }
    tcp.expires_after(options.timeout);
    check(run(ioc_, [&](auto done) { tcp.async_connect(endpoint, done); }), "connect");
    tcp.expires_after(options.timeout);
    check(run(ioc_, [&](auto done) { stream.async_handshake(ssl::stream_base::client, done); }),
          "TLS handshake");
  }

  void write_all(std::string_view bytes) {
    beast::get_lowest_layer(stream).expires_after(options_.timeout);
    check(run(ioc_, [&](auto done) { asio::async_write(stream, asio::buffer(bytes), done); }),
          "write");
  }

  Response read_response() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.header_limit(64 * 1024);
    beast::get_lowest_layer(stream).expires_after(options_.timeout);
    check(run(ioc_, [&](auto done) { http::async_read(stream, buffer, parser, done); }), "read");
    auto message = parser.release();
    Response out;
    out.status = message.result_int();
    for (const auto& field : message) {
      out.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(message.body());
    if (out.header("content-type").find("application/json") != std::string_view::npos) {
      boost::system::error_code ec;
      out.json = boost::json::parse(out.body, ec);
      if (ec) out.json = nullptr;
    }
    keep_alive = message.keep_alive();
    return out;
  }

  // True when the peer closed the connection within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout) {
    beast::get_lowest_layer(stream).expires_after(timeout);
    while (true) {
      std::size_t n = 0;
      auto ec = run(
          ioc_, [&](auto done) { stream.async_read_some(buffer.prepare(4096), done); }, &n);
      buffer.commit(n);
      if (ec == beast::error::timeout) return false;
      if (ec) return true;
    }
  }

  asio::io_context& ioc_;
  ClientOptions options_;
  Stream stream;
  beast::flat_buffer buffer;
  bool keep_alive = true;
};

}  // namespace

std::string_view Response::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

std::string Response::error_code() const {
  const auto* error = json.is_object() ? json.as_object().if_contains("error") : nullptr;
  const auto* code = error && error->is_object() ? error->as_object().if_contains("code") : nullptr;
  return code && code->is_string() ? std::string(code->as_string()) : std::string();
}

std::string Response::error_correlation_id() const {
  const auto* error = json.is_object() ? json.as_object().if_contains("error") : nullptr;
  const auto* id =
      error && error->is_object() ? error->as_object().if_contains("correlation_id") : nullptr;
  return id && id->is_string() ? std::string(id->as_string()) : std::string();
}

struct HttpsClient::Impl {
  Impl(std::uint16_t port_in, ClientOptions options_in)
      : port(port_in), options(std::move(options_in)), ctx(make_context(options)) {}

  Connection& connection() {
    if (!conn) {
      conn = std::make_unique<Connection>(ioc, *ctx, options, port);
      requests = 0;
    }
    return *conn;
  }

  std::string serialize(std::string_view method, std::string_view target, std::string body,
                        std::string_view content_type, const Headers& headers) {
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "localhost");
    req.set(http::field::user_agent, "twostep-integration-tests");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    if (!req.body().empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.prepare_payload();
    }
    std::ostringstream out;
    out << req;
    return out.str();
  }

  Response exchange(const std::string& wire) {
    Connection& c = connection();
    c.write_all(wire);
    Response response = c.read_response();
    ++requests;
    if (!c.keep_alive) conn.reset();
    return response;
  }

  Response request(std::string_view method, std::string_view target, std::string body,
                   std::string_view content_type, const Headers& headers) {
    const std::string wire = serialize(method, target, std::move(body), content_type, headers);
    const bool reused = conn != nullptr;
    try {
      return exchange(wire);
    } catch (const ClientError&) {
      conn.reset();
      // A kept-alive connection may have been closed by the server's idle timeout just
      // before we used it; one retry on a fresh connection, never on a fresh one's failure.
      if (!reused) throw;
    }
    return exchange(wire);
  }

  std::uint16_t port;
  ClientOptions options;
  asio::io_context ioc;
  std::shared_ptr<ssl::context> ctx;
  std::unique_ptr<Connection> conn;
  int requests = 0;
};

HttpsClient::HttpsClient(std::uint16_t port, ClientOptions options)
    : impl_(std::make_unique<Impl>(port, std::move(options))) {}
HttpsClient::~HttpsClient() = default;
HttpsClient::HttpsClient(HttpsClient&&) noexcept = default;
HttpsClient& HttpsClient::operator=(HttpsClient&&) noexcept = default;

Response HttpsClient::get(std::string_view target, const Headers& headers) {
  return request("GET", target, {}, {}, headers);
}
Response HttpsClient::del(std::string_view target, const Headers& headers) {
  return request("DELETE", target, {}, {}, headers);
}
Response HttpsClient::post(std::string_view target, const boost::json::value& body,
                           const Headers& headers) {
  return request("POST", target, boost::json::serialize(body), "application/json", headers);
}
Response HttpsClient::put(std::string_view target, const boost::json::value& body,
                          const Headers& headers) {
  return request("PUT", target, boost::json::serialize(body), "application/json", headers);
}
Response HttpsClient::patch(std::string_view target, const boost::json::value& body,
                            const Headers& headers) {
  return request("PATCH", target, boost::json::serialize(body), "application/json", headers);
}
Response HttpsClient::request(std::string_view method, std::string_view target, std::string body,
                              std::string_view content_type, const Headers& headers) {
  return impl_->request(method, target, std::move(body), content_type, headers);
}

std::string HttpsClient::tls_version() {
  return SSL_get_version(impl_->connection().stream.native_handle());
}

std::string HttpsClient::tls_cipher() {
  return SSL_get_cipher_name(impl_->connection().stream.native_handle());
}

int HttpsClient::requests_on_connection() const { return impl_->requests; }

void HttpsClient::disconnect() { impl_->conn.reset(); }

struct RawConnection::Impl {
  Impl(std::uint16_t port, const ClientOptions& options)
      : ctx(make_context(options)), conn(ioc, *ctx, options, port) {}
  asio::io_context ioc;
  std::shared_ptr<ssl::context> ctx;
  Connection conn;
};

RawConnection HttpsClient::raw() const {
  return RawConnection(std::make_unique<RawConnection::Impl>(impl_->port, impl_->options));
}

RawConnection::RawConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RawConnection::~RawConnection() = default;
RawConnection::RawConnection(RawConnection&&) noexcept = default;

void RawConnection::send(std::string_view bytes) { impl_->conn.write_all(bytes); }
Response RawConnection::read_response() { return impl_->conn.read_response(); }
bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  return impl_->conn.wait_closed(timeout);
}
std::string RawConnection::received() const {
  return beast::buffers_to_string(impl_->conn.buffer.data());
}

TcpConnection::TcpConnection(const std::string& host, std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (fd_ < 0 || inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw ClientError("TCP connect to " + host + " failed");
  }
}

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void TcpConnection::send(std::string_view bytes) {
  if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
    throw ClientError("TCP send failed");
  }
}

bool TcpConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return true;
  }
}

}  // namespace twostep::testing
