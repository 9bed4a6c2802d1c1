// A small HTTPS server for the webhook tests (the phone unit tests and the phone integration
// tests share it), on OpenSSL: it listens on 127.0.0.1 with a self-signed P-256 certificate
// made at start-up (for IP 127.0.0.1 unless told otherwise), records each request, and
// answers with a scripted status per request. One thread, one connection at a time; stopped
// and joined by its destructor.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/unit/core/temp_dir.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace twostep::testing {

/// A self-signed certificate and its key, written as PEM files.
struct SelfSigned {
  std::filesystem::path cert;
  std::filesystem::path key;
};
/// Makes a P-256 certificate in `dir` for the names in `san` (OpenSSL's subjectAltName
/// syntax, e.g. "IP:127.0.0.1" or "DNS:localhost").
SelfSigned make_self_signed(const std::filesystem::path& dir, const std::string& name,
                            const std::string& san = "IP:127.0.0.1");

/// The signature header a gateway expects for `body` sent at `timestamp`, computed here with
/// OpenSSL's one-shot HMAC, independently of the server's code: "sha256=" and the lower-case
/// hex of HMAC-SHA256(secret, timestamp + "." + body) (docs/API-ADDITIONS.md).
std::string expected_webhook_signature(std::string_view secret, std::string_view timestamp,
                                       std::string_view body);

class HttpsReceiver {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
  };

  /// Answers the n-th request with statuses[n], repeating the last one after that. Its
  /// certificate names `san`.
  explicit HttpsReceiver(std::vector<int> statuses, const std::string& san = "IP:127.0.0.1");
  ~HttpsReceiver();
  HttpsReceiver(const HttpsReceiver&) = delete;
  HttpsReceiver& operator=(const HttpsReceiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;
  /// The certificate to trust (it is its own CA).
  const std::filesystem::path& ca_file() const { return cert_.cert; }
  std::vector<Request> requests() const;

 private:
  void serve();
  void handle(int fd);

  twostep::testing::TempDir dir_;
  SelfSigned cert_;
  std::vector<int> statuses_;
  ssl_ctx_st* ctx_ = nullptr;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  std::thread thread_;
};

}  // namespace twostep::testing
