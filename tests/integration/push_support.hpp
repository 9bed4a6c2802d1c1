// Test support for the push integration tests, on the integration harness (the real
// `twostep` binary on a fresh data dir, its HTTPS client): admin and application helpers,
// and a scripted device WebSocket client that signs with the companion app's own key code
// (client/device_key.hpp) but can also send what a real app never would (forged signatures,
// oversize messages, a browser Origin).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "client/device_key.hpp"
#include "tests/integration/harness/https_client.hpp"
#include "tests/integration/harness/server_process.hpp"

namespace twostep::itest {

using namespace std::chrono_literals;

/// One HTTP response with its JSON body (null when the body is not JSON).
struct Response {
  unsigned status = 0;
  boost::json::value json;
  std::string body;
  std::string retry_after;
  /// json[key] as a string, or "" when absent.
  std::string str(std::string_view key) const;
  /// json.error.code, or "".
  std::string error_code() const;
};

/// The harness's HTTPS client (keep-alive, 60 s per request: longer than any long poll)
/// with a bearer credential per call.
class Api {
 public:
  explicit Api(std::uint16_t port);
  /// Sends a request; `bearer` adds Authorization; a non-empty `body` is sent as JSON.
  Response request(const std::string& method, const std::string& target,
                   const std::string& bearer = {}, const std::string& body = {});

 private:
  testing::HttpsClient http_;
};

/// One frame from the server, or the end of the connection.
struct Frame {
  bool closed = false;
  int close_code = 0;  // when closed: the server's close code (0 when the link just broke)
  std::string type;    // when not closed: the frame's "type"
  boost::json::object json;
  std::string text;
  std::string str(std::string_view key) const;
};

/// A device's WebSocket, driven step by step from the test thread.
class TestDevice {
 public:
  TestDevice(std::uint16_t port, std::string device_id, std::shared_ptr<client::DeviceKey> key);
  ~TestDevice();
  TestDevice(TestDevice&&) noexcept;
  TestDevice& operator=(TestDevice&&) noexcept;

  const std::string& id() const { return device_id_; }
  const client::DeviceKey& key() const { return *key_; }

  /// TLS and WebSocket handshakes; the HTTP status of the handshake answer (101 when
  /// upgraded). `origin` adds an Origin header; `receive_buffer` (bytes, 0 = the system's)
  /// shrinks the socket's receive buffer, to play a phone that reads slowly.
  unsigned open(const std::string& origin = {}, int receive_buffer = 0);
  /// open(), hello, a validly signed auth; the server's answer (ready, or error) or
  /// nullopt when the connection failed before it.
  std::optional<Frame> authenticate();
  /// authenticate() expecting ready; returns ready.pending (-1 on any failure).
  int connect();
  /// The next frame within `timeout`, or nullopt.
  std::optional<Frame> next(std::chrono::milliseconds timeout = 5s);
  /// The next frame of `type` within `timeout`, skipping others (nullopt on timeout or
  /// close).
  std::optional<Frame> next_of(std::string_view type, std::chrono::milliseconds timeout = 5s);
  /// Reads until the server closes; the close frame (nullopt on timeout).
  std::optional<Frame> until_closed(std::chrono::milliseconds timeout = 10s);
  /// True when no frame arrives within `quiet` (the connection stays open).
  bool silent_for(std::chrono::milliseconds quiet);
  /// Sends one text message; false when the connection is gone.
  bool send_text(const std::string& text);
  /// Writes bytes on the TLS stream below the WebSocket (e.g. many ready-made frames at
  /// once); false when the connection is gone.
  bool send_raw(const std::string& bytes);

  /// Signed frames, as the companion app sends them.
  void respond(const std::string& txid, const std::string& decision, const std::string& number);
  void not_me(const std::string& event_id);
  std::string sign(const std::string& message) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_;
  std::string device_id_;
  std::shared_ptr<client::DeviceKey> key_;
};

/// Admin-side set-up over the API, with an admin token.
class Admin {
 public:
  Admin(std::uint16_t port, std::string token);

  Response call(const std::string& method, const std::string& target, const std::string& body = {});
  /// POST /v1/users; the user's id.
  std::string create_user(const std::string& username);
  /// POST /v1/applications; the application key.
  std::string create_application(const std::string& name);
  /// An activation by the admin API, then POST /v1/activate with a fresh key. POST
  /// /v1/activate allows ten attempts at once per address, then ten a minute: with
  /// `wait_when_limited` a 429 is waited out (Retry-After) instead of failing.
  TestDevice activate_device(const std::string& user, const std::string& name = "Phone",
                             bool wait_when_limited = false);
  /// activate_device(), also giving the device's TOTP secret (base32) in `totp_secret`.
  TestDevice activate_device(const std::string& user, std::string& totp_secret,
                             const std::string& name = "Phone", bool wait_when_limited = false);
  /// PATCH /v1/settings with `json` (an object's text).
  void patch_settings(const std::string& json);

 private:
  std::uint16_t port_;
  std::string token_;
  Api api_;
};

/// An application calling the auth API with its key.
class Application {
 public:
  Application(std::uint16_t port, std::string api_key);

  /// POST /v1/auth/push for `username` (context ip/location/browser filled in).
  Response push(const std::string& username);
  /// GET /v1/auth/transactions/{txid}?wait=S
  Response status(const std::string& txid, int wait_seconds = 0);

 private:
  std::string key_;
  Api api_;
};

/// Queues a `device_added` notice about `subject_device_id` for the user's other active
/// devices directly in the server's database, exactly as an activation does in its
/// transaction (push::queue_notice); they receive it when they next connect.
void queue_device_added_notice(const testing::ServerProcess& server, const std::string& user_id,
                               const std::string& subject_device_id,
                               const std::string& device_name);

/// The harness's server options with `allowed_origins` in its configuration file.
testing::ServerProcessOptions server_options(const std::vector<std::string>& allowed_origins);

/// A server with an admin and an application ("VPN"), for one test.
struct Environment {
  explicit Environment(const std::vector<std::string>& allowed_origins = {})
      : server(server_options(allowed_origins)),
        admin(server.port(), server.admin_token()),
        app_key(admin.create_application("VPN")),
        app(server.port(), app_key) {}

  testing::ServerProcess server;
  Admin admin;
  std::string app_key;
  Application app;
};

}  // namespace twostep::itest
