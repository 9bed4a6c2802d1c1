#include "server/tls13_handover.hpp"

#include <openssl/crypto.h>

#include "core/encoding.hpp"

namespace twostep::server::tls13 {
namespace {

int secrets_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void on_key_log(const SSL* ssl, const char* line) {
  auto* secrets = static_cast<HandshakeSecrets*>(SSL_get_ex_data(ssl, secrets_index()));
  if (secrets != nullptr) secrets->take(line);
}

}  // namespace

void enable_handover(SSL_CTX* context) {
  SSL_CTX_set_keylog_callback(context, on_key_log);
  SSL_CTX_set_num_tickets(context, 0);
}

HandshakeSecrets::HandshakeSecrets(SSL* ssl) : ssl_(ssl) {
  SSL_set_ex_data(ssl_, secrets_index(), this);
}

HandshakeSecrets::~HandshakeSecrets() {
  SSL_set_ex_data(ssl_, secrets_index(), nullptr);
  OPENSSL_cleanse(client_.bytes.data(), client_.bytes.size());
  OPENSSL_cleanse(server_.bytes.data(), server_.bytes.size());
}

void HandshakeSecrets::take(std::string_view line) {
  Secret* into = nullptr;
  if (line.starts_with("CLIENT_TRAFFIC_SECRET_0 ")) into = &client_;
  if (line.starts_with("SERVER_TRAFFIC_SECRET_0 ")) into = &server_;
  const std::size_t space = line.rfind(' ');
  if (into == nullptr || space == std::string_view::npos) return;
  const std::string_view hex = line.substr(space + 1);
  if (hex.size() % 2 != 0 || hex.size() / 2 > into->bytes.size()) return;
  for (std::size_t i = 0; i < hex.size() / 2; ++i) {
    const int high = core::hex_digit_value(hex[2 * i]);
    const int low = core::hex_digit_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return;
    into->bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  into->size = hex.size() / 2;
}

std::unique_ptr<RecordLayer> HandshakeSecrets::hand_over() {
  if (SSL_version(ssl_) != TLS1_3_VERSION || SSL_get_num_tickets(ssl_) != 0) return nullptr;
  // OpenSSL reads no further than the client's Finished (no read-ahead), so nothing should
  // be left; if something is, OpenSSL keeps the connection rather than lose those bytes.
  if (SSL_pending(ssl_) > 0 || SSL_has_pending(ssl_) == 1) return nullptr;
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_);
  const auto suite =
      cipher != nullptr ? suite_from_cipher_id(SSL_CIPHER_get_id(cipher)) : std::nullopt;
  if (!suite || client_.size != secret_size(*suite) || server_.size != secret_size(*suite)) {
    return nullptr;
  }
  return std::make_unique<RecordLayer>(*suite, std::span(client_.bytes.data(), client_.size),
                                       std::span(server_.bytes.data(), server_.size));
}

}  // namespace twostep::server::tls13
