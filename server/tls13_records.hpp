// TLS 1.3 record protection (RFC 8446 §5, §7.2, §7.3) for a connection whose handshake
// OpenSSL did. Why: OpenSSL keeps about 12 KB per connection (the SSL object, two cipher
// contexts, the session) for the connection's whole life, while an idle device needs only
// its two traffic secrets. After a TLS 1.3 handshake the stream hands the application
// traffic secrets to a RecordLayer and frees OpenSSL's connection (docs/BENCHMARKS.md).
// No socket here: bytes in, plaintext out; plaintext in, records out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <boost/system/error_code.hpp>

namespace twostep::server::tls13 {

/// The TLS 1.3 cipher suites the server offers (server/tls.cpp).
enum class Suite : std::uint8_t { kAes128GcmSha256, kAes256GcmSha384, kChaCha20Poly1305Sha256 };
/// The suite of an OpenSSL cipher id (SSL_CIPHER_get_id), if it is one of those.
std::optional<Suite> suite_from_cipher_id(std::uint32_t id);
/// The length of the suite's traffic secrets: its hash's (32 or 48 bytes).
std::size_t secret_size(Suite suite);

inline constexpr std::size_t kMaxSecret = 48;  // SHA-384
inline constexpr std::size_t kMaxPlaintext = 16 * 1024;
inline constexpr std::size_t kHeaderSize = 5;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kMaxCiphertext = kMaxPlaintext + 256;
/// The most one seal() appends: an owed KeyUpdate record and a full record.
inline constexpr std::size_t kMaxSealed = 2 * (kHeaderSize + kTagSize + 1) + 5 + kMaxPlaintext;

/// Why a connection failed (category "tls13 record").
enum class RecordError {
  kBadRecordMac = 1,   // a record did not authenticate
  kRecordOverflow,     // a record longer than the protocol allows
  kUnexpectedMessage,  // a record or message not allowed after the handshake
  kDecodeError,        // a malformed alert or handshake message
  kPeerAlert,          // the peer sent an error alert
  kSequenceExhausted,  // 2^64 records under one key (RFC 8446 §5.3)
  kClosed,             // writing after close_notify was sent
};
const boost::system::error_category& record_category();
boost::system::error_code make_error_code(RecordError error);
/// The alert description to send when failing with `error`, if one is sent.
std::optional<std::uint8_t> alert_for(RecordError error);

/// HKDF-Expand-Label(secret, label, "", out.size()) with the suite's hash; out.size() must
/// not exceed the hash length (every label the record layer needs fits in one block).
void expand_label(Suite suite, std::span<const std::uint8_t> secret, std::string_view label,
                  std::span<std::uint8_t> out);

/// The keys of one direction: its traffic secret, the key and IV derived from it and the
/// sequence number of the next record. Wiped when destroyed.
class TrafficKeys {
 public:
  TrafficKeys(Suite suite, std::span<const std::uint8_t> secret);
  ~TrafficKeys();
  TrafficKeys(const TrafficKeys&) = delete;
  TrafficKeys& operator=(const TrafficKeys&) = delete;

  /// The next generation of keys (KeyUpdate, RFC 8446 §7.2); the sequence restarts at 0.
  void update();
  /// Encrypts (or decrypts and authenticates) `data` in place as the record after the
  /// previous one; `header` is the record header (the additional data). False when the tag
  /// did not match or the sequence is exhausted.
  bool seal(std::span<const std::uint8_t, kHeaderSize> header, std::span<std::uint8_t> data,
            std::span<std::uint8_t, kTagSize> tag);
  bool open(std::span<const std::uint8_t, kHeaderSize> header, std::span<std::uint8_t> data,
            std::span<const std::uint8_t, kTagSize> tag);
  bool exhausted() const { return sequence_ == UINT64_MAX; }

 private:
  void derive();
  bool crypt(bool encrypt, std::span<const std::uint8_t, kHeaderSize> header,
             std::span<std::uint8_t> data, std::uint8_t* tag);

  Suite suite_;
  std::uint8_t secret_size_;
  std::uint8_t key_size_;
  std::array<std::uint8_t, kMaxSecret> secret_{};
  std::array<std::uint8_t, 32> key_{};
  std::array<std::uint8_t, 12> iv_{};
  std::uint64_t sequence_ = 0;
};

/// Both directions of one server-side connection.
class RecordLayer {
 public:
  /// `read_secret` is the client's application traffic secret, `write_secret` the server's.
  RecordLayer(Suite suite, std::span<const std::uint8_t> read_secret,
              std::span<const std::uint8_t> write_secret);

  /// Bytes received from the peer, in order.
  void received(std::span<const std::uint8_t> bytes);
  struct Read {
    std::size_t bytes = 0;
    boost::system::error_code ec;
    bool peer_closed = false;  // the peer's close_notify: the end of the stream
  };
  /// Up to into.size() bytes of plaintext. Nothing, no error and not closed: a whole record
  /// is needed.
  Read read(std::span<std::uint8_t> into);
  /// Plaintext or a whole record is waiting: read() would not need more bytes.
  bool readable() const;

  /// Appends the record protecting `plain` (at most kMaxPlaintext bytes) to `out`, after a
  /// KeyUpdate of our own when the peer asked for one.
  boost::system::error_code seal(std::span<const std::uint8_t> plain,
                                 std::vector<std::uint8_t>& out);
  /// Appends an alert record (close_notify is a warning, every other a fatal one); after
  /// close_notify nothing more is sealed.
  boost::system::error_code seal_alert(std::uint8_t description, std::vector<std::uint8_t>& out);

 private:
  boost::system::error_code seal_record(std::uint8_t type, std::span<const std::uint8_t> content,
                                        std::vector<std::uint8_t>& out);
  /// Opens the record at the front of the input; sets `type` and `content` (in place).
  boost::system::error_code open_record(std::uint8_t& type, std::span<std::uint8_t>& content);
  boost::system::error_code on_handshake(std::span<const std::uint8_t> content);
  boost::system::error_code on_alert(std::span<const std::uint8_t> content);
  std::size_t whole_record_size() const;
  void consume_input(std::size_t size);
  Read fail(RecordError error);

  TrafficKeys read_;
  TrafficKeys write_;
  std::vector<std::uint8_t> input_;  // received, not yet opened; empty when idle
  std::vector<std::uint8_t> plain_;  // opened, not yet read; empty when idle
  std::size_t plain_start_ = 0;
  boost::system::error_code failed_;
  bool peer_closed_ = false;
  bool closed_ = false;
  bool key_update_owed_ = false;
};

}  // namespace twostep::server::tls13

template <>
struct boost::system::is_error_code_enum<twostep::server::tls13::RecordError> : std::true_type {};
