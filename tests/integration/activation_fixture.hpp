// Fixture of the activation / TOTP integration tests: the admin fixture (a fresh `twostep
// serve`, an admin token) plus what these tests do over and over — users, activations,
// phones activating with fresh P-256 keys, an application calling POST /v1/auth/totp — and
// independent tools to check the server against: `oathtool` computes TOTP codes, `zbarimg`
// decodes QR images, and SQL through the Store edits the server's database.
//
// The server runs on the real clock and a test may not wait for minutes or days. Where a
// test needs time to have passed (an expired activation, a device not seen for 40 days) it
// moves that row's timestamp into the past directly in the running server's database (its
// SQLite file, whose WAL mode lets this second connection write while the server has it
// open, or its PostgreSQL database); the server reads the row afresh on its next request.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "core/encoding.hpp"
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {

/// A fresh EC key's public half as POST /v1/activate wants it: base64url DER
/// SubjectPublicKeyInfo. `curve` other than P-256 makes a key the server must refuse.
inline std::string new_public_key(const char* curve = "P-256") {
  EVP_PKEY* key = EVP_EC_gen(curve);
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(key, &der);
  std::string out =
      core::base64url_encode(std::span<const std::uint8_t>(der, static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return out;
}

/// Runs a shell command and returns its standard output.
inline std::string shell_output(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  if (!pipe) return out;
  std::array<char, 512> buffer{};
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) {
    out.append(buffer.data(), n);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The TOTP code (SHA1, 6 digits, 30 s) of a base32 secret at now + offset_seconds, by
/// `oathtool` (Debian's oath-toolkit), independent of the server's own code.
inline std::string oathtool_code(const std::string& base32_secret, int offset_seconds = 0) {
  return shell_output("oathtool --totp -b " + base32_secret + " -N @" +
                      std::to_string(unix_now() + offset_seconds));
}

/// What `zbarimg` reads from an image (e.g. a QR code PNG), "" when it finds nothing.
inline std::string zbar_decode(const std::string& image_bytes, const std::string& suffix) {
  const auto path =
      std::filesystem::temp_directory_path() /
      ("twostep-qr-" + std::to_string(::getpid()) + "-" + std::to_string(unix_now()) + suffix);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(image_bytes.data(), static_cast<std::streamsize>(image_bytes.size()));
  }
  std::string text = shell_output("zbarimg --raw -q " + path.string() + " 2>/dev/null");
  std::filesystem::remove(path);
  return text;
}

/// A string field of a JSON object ("" when absent or not a string).
inline std::string str(const boost::json::value& json, std::string_view key) {
  if (!json.is_object()) return "";
  const auto* v = json.as_object().if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

/// Server options with `n` worker threads, so that concurrent requests really run at the same
/// time inside the server.
inline ServerProcessOptions with_worker_threads(unsigned n) {
  ServerProcessOptions options;
  options.config_toml = "worker_threads = " + std::to_string(n) + "\n";
  return options;
}

/// A phone once activated: its id and TOTP secret.
struct ActivatedPhone {
  std::string device_id;
  std::string secret;
};

/// The body of POST /v1/activate for `code` and a phone's public key.
inline boost::json::object activation_body(const std::string& code, const std::string& public_key) {
  return {{"code", code},
          {"device_name", "Pixel 8"},
          {"platform", "android"},
          {"app_version", "1.4.2"},
          {"public_key", public_key}};
}

/// A new user and an activated phone over `http` (one client per thread in load tests);
/// nullopt when any step was not acknowledged (the server may be under load or killed).
inline std::optional<ActivatedPhone> enroll_over(HttpsClient& http, const Headers& admin,
                                                 const std::string& username) {
  Response user =
      http.post("/v1/users", {{"username", username}, {"display_name", username}}, admin);
  if (user.status != 201) return std::nullopt;
  Response activation = http.post("/v1/users/" + username + "/authenticators/activations",
                                  boost::json::object{}, admin);
  if (activation.status != 201) return std::nullopt;
  Response done =
      http.post("/v1/activate", activation_body(str(activation.json, "code"), new_public_key()));
  if (done.status != 201) return std::nullopt;
  return ActivatedPhone{str(done.json, "device_id"), str(done.json.at("totp"), "secret")};
}

class ActivationItest : public AdminTest {
 protected:
  using Phone = ActivatedPhone;

  /// POST /v1/users; the new user's id.
  std::string make_user(const std::string& username) {
    Response r = create_user(username, username + " Example");
    EXPECT_EQ(r.status, 201u) << r.body;
    return str(r.json, "id");
  }

  /// POST /v1/users/{user}/authenticators/activations (201 expected).
  boost::json::object new_activation(const std::string& user,
                                     const std::string& replace_device_id = "") {
    boost::json::object body;
    if (!replace_device_id.empty()) body["replace_device_id"] = replace_device_id;
    Response r = post("/v1/users/" + user + "/authenticators/activations", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json.is_object() ? r.json.as_object() : boost::json::object{};
  }

  /// POST /v1/activate as a phone (no credential), on `via` or the fixture's client.
  Response activate(const std::string& code, const std::string& public_key = new_public_key(),
                    HttpsClient* via = nullptr) {
    return (via ? *via : client()).post("/v1/activate", activation_body(code, public_key));
  }

  /// A user's new phone, activated end to end.
  Phone enroll(const std::string& user, const std::string& replace_device_id = "") {
    auto activation = new_activation(user, replace_device_id);
    Response r = activate(str(activation, "code"));
    EXPECT_EQ(r.status, 201u) << r.body;
    return {str(r.json, "device_id"), str(r.json.at("totp"), "secret")};
  }

  /// The application key of an application made for the test (made on first use).
  const std::string& app_key() {
    if (app_key_.empty()) {
      Response r = post("/v1/applications", {{"name", "VPN"}});
      EXPECT_EQ(r.status, 201u) << r.body;
      app_key_ = str(r.json, "api_key");
    }
    return app_key_;
  }

  /// POST /v1/auth/totp with the application key, on `via` or the fixture's client.
  Response auth_totp(const std::string& username, const std::string& code,
                     HttpsClient* via = nullptr) {
    return (via ? *via : client())
        .post("/v1/auth/totp", {{"username", username}, {"code", code}},
              {{"authorization", "Bearer " + app_key()}});
  }

  /// "approved", or "denied:<reason>" — one string to compare in assertions.
  std::string verdict(const std::string& username, const std::string& code) {
    Response r = auth_totp(username, code);
    EXPECT_EQ(r.status, 200u) << r.body;
    std::string status = str(r.json, "status");
    return status == "denied" ? "denied:" + str(r.json, "reason") : status;
  }

  /// The device as GET /v1/users/{user}/authenticators lists it (null when absent).
  boost::json::value listed_device(const std::string& user, const std::string& device_id) {
    Response r = get("/v1/users/" + user + "/authenticators?limit=200");
    EXPECT_EQ(r.status, 200u) << r.body;
    if (r.status != 200) return nullptr;
    for (const auto& item : r.json.at("items").as_array()) {
      if (str(item, "id") == device_id) return item;
    }
    return nullptr;
  }

  /// Runs SQL on the running server's database (see the header comment).
  void db_exec(const std::string& sql) {
    ASSERT_NO_THROW(::twostep::testing::db_exec(server().db_url(), sql)) << sql;
  }

  std::string app_key_;
};

}  // namespace twostep::testing
