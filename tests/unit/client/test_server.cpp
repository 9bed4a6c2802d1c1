#include "tests/unit/client/test_server.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include "core/encoding.hpp"

namespace twostep::client::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

std::string pem_of(int (*write)(BIO*, void*), void* object) {
  BIO* bio = BIO_new(BIO_s_mem());
  write(bio, object);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

int write_cert(BIO* bio, void* cert) { return PEM_write_bio_X509(bio, static_cast<X509*>(cert)); }
int write_key(BIO* bio, void* key) {
  return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(key), nullptr, nullptr, 0, nullptr,
                                  nullptr);
}

}  // namespace

TestCertificate make_certificate(const std::vector<std::string>& dns,
                                 const std::vector<std::string>& ips) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600 * 24);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("twostep test"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  std::string alt_names;
  for (const auto& d : dns) alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& ip : ips) alt_names += (alt_names.empty() ? "IP:" : ",IP:") + ip;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, alt_names.c_str());
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(cert, key, EVP_sha256());

  TestCertificate out;
  out.cert_pem = pem_of(write_cert, cert);
  out.key_pem = pem_of(write_key, key);
  unsigned char* der = nullptr;
  const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  out.pin = core::hex_encode(
      core::sha256(std::span<const std::uint8_t>(der, static_cast<std::size_t>(size))));
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

std::string activation_response(const std::string& ws_url) {
  return json::serialize(
      json::object{{"device_id", "dev_new"},
                   {"user", {{"id", "usr_1"}, {"username", "alice"}, {"display_name", "Alice"}}},
                   {"totp",
                    {{"secret", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
                     {"algorithm", "SHA1"},
                     {"digits", 6},
                     {"period", 30}}},
                   {"ws_url", ws_url},
                   {"server_time", "2026-11-28T00:00:00Z"}});
}

bool run_until(asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(20));
    if (io.stopped()) io.restart();
  }
  return done();
}

void Peer::send(std::string frame) {
  outbox_.push_back(std::move(frame));
  if (!writing_) write_next();
}

void Peer::write_next() {
  if (outbox_.empty()) {
    writing_ = false;
    if (close_code_ != 0) {
      stream_->async_close(websocket::close_reason(static_cast<std::uint16_t>(close_code_)),
                           [self = shared_from_this()](beast::error_code) {});
    }
    return;
  }
  writing_ = true;
  stream_->async_write(asio::buffer(outbox_.front()),
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         self->outbox_.pop_front();
                         if (ec) {
                           self->writing_ = false;
                           return;
                         }
                         self->write_next();
                       });
}

// The close goes out after the frames queued before it, as a real server's would.
void Peer::close(int code) {
  close_code_ = code;
  if (!writing_) write_next();
}

TestServer::TestServer(asio::io_context& io, const TestCertificate& certificate)
    : io_(io), context_(asio::ssl::context::tls_server), acceptor_(io) {
  context_.use_certificate_chain(asio::buffer(certificate.cert_pem));
  context_.use_private_key(asio::buffer(certificate.key_pem), asio::ssl::context::pem);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

TestServer::~TestServer() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

std::string TestServer::ws_url(const std::string& host) const {
  return "wss://" + host + ":" + std::to_string(port_) + "/v1/device/ws";
}

std::string TestServer::https_url(const std::string& path, const std::string& host) const {
  return "https://" + host + ":" + std::to_string(port_) + path;
}

asio::awaitable<void> TestServer::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
    if (ec) co_return;
    asio::co_spawn(io_, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> TestServer::session(tcp::socket socket) {
  auto stream = std::make_unique<WsStream>(beast::tcp_stream(std::move(socket)), context_);
  auto [tls_ec] =
      co_await stream->next_layer().async_handshake(asio::ssl::stream_base::server, kNoThrow);
  if (tls_ec) co_return;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  auto [read_ec, read] = co_await http::async_read(stream->next_layer(), buffer, request, kNoThrow);
  if (read_ec) co_return;
  if (websocket::is_upgrade(request)) {
    auto [accept_ec] = co_await stream->async_accept(request, kNoThrow);
    if (accept_ec) co_return;
    ++handshakes;
    co_await device(std::move(stream));
    co_return;
  }
  HttpReply reply{404, R"({"error":{"code":"not_found","message":"no handler"}})"};
  if (http)
    reply =
        http(std::string(request.method_string()), std::string(request.target()), request.body());
  http::response<http::string_body> response(static_cast<http::status>(reply.status), 11);
  response.set(http::field::content_type, "application/json");
  response.set("X-Correlation-ID", "test-correlation");
  response.body() = reply.body;
  response.prepare_payload();
  co_await http::async_write(stream->next_layer(), response, kNoThrow);
}

// The device protocol: hello, a checked auth, ready, then frames into the peer's log.
asio::awaitable<void> TestServer::device(std::unique_ptr<WsStream> stream) {
  const std::string nonce = "nonce-" + std::to_string(++nonces_);
  stream->text(true);
  const std::string hello = json::serialize(json::object{{"type", "hello"}, {"nonce", nonce}});
  co_await stream->async_write(asio::buffer(hello), kNoThrow);
  beast::flat_buffer buffer;
  auto [ec, size] = co_await stream->async_read(buffer, kNoThrow);
  if (ec) co_return;
  boost::system::error_code parse_ec;
  const json::value auth = json::parse(beast::buffers_to_string(buffer.data()), parse_ec);
  buffer.consume(buffer.size());
  const auto* object = auth.if_object();
  const auto* id = object ? object->if_contains("device_id") : nullptr;
  const auto* signature = object ? object->if_contains("signature") : nullptr;
  bool valid = id && id->is_string() && signature && signature->is_string();
  std::string device_id = valid ? std::string(id->as_string()) : "";
  if (valid) {
    const auto known = devices.find(device_id);
    const auto der = core::base64url_decode(signature->as_string());
    valid = known != devices.end() && der &&
            core::verify_p256(known->second, "twostep-ws-auth:" + device_id + ":" + nonce, *der);
  }
  auto peer = std::make_shared<Peer>(std::move(stream));
  peer->device_id = device_id;
  if (!valid) {
    peer->send(R"({"type":"error","code":"unauthenticated","message":"unknown device"})");
    peer->close(4401);
  } else {
    peers.push_back(peer);
    peer->send(R"({"type":"ready","pending":0})");
    if (on_ready) on_ready(peer);
  }
  for (;;) {
    auto [read_ec, n] = co_await peer->stream_->async_read(buffer, kNoThrow);
    if (read_ec) break;
    peer->received.push_back(beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
  }
  peer->closed = true;
}

}  // namespace twostep::client::testing
