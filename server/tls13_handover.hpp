// Hands a finished TLS 1.3 handshake over from OpenSSL to tls13::RecordLayer. OpenSSL 3.0
// has no API for the traffic secrets other than its key-log callback, so a connection on a
// context prepared here keeps the two application traffic secrets the callback reports
// until its handshake ends; they never leave the process and are wiped after use.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include <openssl/ssl.h>

#include "server/tls13_records.hpp"

namespace twostep::server::tls13 {

/// Lets connections on `context` hand over: the key-log callback, and no session tickets
/// (a ticket is a record OpenSSL would send under the keys the record layer takes over, and
/// resumption would need OpenSSL's connection again).
void enable_handover(SSL_CTX* context);

/// One connection's secrets while its handshake runs (attached to the SSL object).
class HandshakeSecrets {
 public:
  /// Attaches itself to `ssl`, which must not outlive it.
  explicit HandshakeSecrets(SSL* ssl);
  ~HandshakeSecrets();
  HandshakeSecrets(const HandshakeSecrets&) = delete;
  HandshakeSecrets& operator=(const HandshakeSecrets&) = delete;

  /// A key-log line ("LABEL client_random secret", all hex): keeps the application traffic
  /// secrets, ignores the rest.
  void take(std::string_view line);
  /// The record layer continuing the connection after a finished handshake, or null when
  /// it cannot take over (TLS 1.2, a suite it does not know, a secret missing, tickets on,
  /// or OpenSSL holding bytes it has not handed on); then OpenSSL carries on.
  std::unique_ptr<RecordLayer> hand_over();

 private:
  struct Secret {
    std::array<std::uint8_t, kMaxSecret> bytes{};
    std::size_t size = 0;
  };

  SSL* ssl_;
  Secret client_;
  Secret server_;
};

}  // namespace twostep::server::tls13
