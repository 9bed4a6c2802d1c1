// The webhook tests' HTTPS receiver; see https_receiver.hpp.
#include "tests/support/https_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <stdexcept>

namespace twostep::testing {
namespace {

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error("bad certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

void write_pem(const std::filesystem::path& path, const std::function<int(BIO*)>& write) {
  BIO* bio = BIO_new_file(path.c_str(), "w");
  if (bio == nullptr || write(bio) != 1) throw std::runtime_error("writing " + path.string());
  BIO_free(bio);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Reads from `ssl` until `done(buffer)` or the peer stops sending.
bool read_until(SSL* ssl, std::string& buffer, const std::function<bool()>& done) {
  char chunk[4096];
  while (!done()) {
    const int n = SSL_read(ssl, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string expected_webhook_signature(std::string_view secret, std::string_view timestamp,
                                       std::string_view body) {
  const std::string text = std::string(timestamp) + "." + std::string(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xf];
  }
  return out;
}

SelfSigned make_self_signed(const std::filesystem::path& dir, const std::string& name,
                            const std::string& san) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  if (key == nullptr || cert == nullptr) throw std::runtime_error("certificate set-up failed");
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert),
                   static_cast<long>(std::hash<std::string>{}(name)&0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  const std::string cn = "twostep test " + name;
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, subject);
  add_extension(cert, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
  add_extension(cert, NID_subject_alt_name, san.c_str());
  if (X509_sign(cert, key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
  SelfSigned out{dir / (name + ".crt"), dir / (name + ".key")};
  write_pem(out.cert, [&](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
  write_pem(out.key, [&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

HttpsReceiver::HttpsReceiver(std::vector<int> statuses, const std::string& san)
    : cert_(make_self_signed(dir_.path(), "receiver", san)), statuses_(std::move(statuses)) {
  ctx_ = SSL_CTX_new(TLS_server_method());
  if (ctx_ == nullptr ||
      SSL_CTX_use_certificate_file(ctx_, cert_.cert.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx_, cert_.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw std::runtime_error("receiver TLS set-up failed");
  }
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("receiver listen failed");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

HttpsReceiver::~HttpsReceiver() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
  SSL_CTX_free(ctx_);
}

std::string HttpsReceiver::url(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<HttpsReceiver::Request> HttpsReceiver::requests() const {
  const std::lock_guard lock(mutex_);
  return requests_;
}

void HttpsReceiver::serve() {
  // A client that hangs up while the answer is written must not end the test process.
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    handle(fd);
    ::close(fd);
  }
}

void HttpsReceiver::handle(int fd) {
  SSL* ssl = SSL_new(ctx_);
  SSL_set_fd(ssl, fd);
  std::string data;
  std::size_t head_end = std::string::npos;
  const bool got_head = SSL_accept(ssl) == 1 && read_until(ssl, data, [&] {
                          head_end = data.find("\r\n\r\n");
                          return head_end != std::string::npos;
                        });
  if (!got_head) {
    ERR_clear_error();
    SSL_free(ssl);
    return;
  }
  Request request;
  std::string_view head(data.data(), head_end);
  const std::size_t line_end = head.find("\r\n");
  const std::string_view start = head.substr(0, line_end);
  request.method = std::string(start.substr(0, start.find(' ')));
  request.target =
      std::string(start.substr(start.find(' ') + 1, start.rfind(' ') - start.find(' ') - 1));
  for (std::size_t pos = line_end + 2; pos < head.size();) {
    const std::size_t end = std::min(head.find("\r\n", pos), head.size());
    const std::string_view line = head.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    std::string value(line.substr(colon + 1));
    value.erase(0, value.find_first_not_of(' '));
    request.headers[lower(std::string(line.substr(0, colon)))] = value;
    pos = end + 2;
  }
  const std::size_t length = std::stoul(request.headers["content-length"]);
  read_until(ssl, data, [&] { return data.size() >= head_end + 4 + length; });
  request.body = data.substr(head_end + 4, length);
  int status = 0;
  {
    const std::lock_guard lock(mutex_);
    status = statuses_[std::min(requests_.size(), statuses_.size() - 1)];
    requests_.push_back(std::move(request));
  }
  const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                             " Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
  SSL_shutdown(ssl);
  SSL_free(ssl);
  ERR_clear_error();
}

}  // namespace twostep::testing
