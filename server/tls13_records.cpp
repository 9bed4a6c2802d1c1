#include "server/tls13_records.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/tls1.h>

namespace twostep::server::tls13 {
namespace {

using boost::system::error_code;

constexpr std::uint8_t kAlert = 21;
constexpr std::uint8_t kHandshake = 22;
constexpr std::uint8_t kApplicationData = 23;
constexpr std::uint8_t kKeyUpdate = 24;  // handshake message type
constexpr std::uint8_t kCloseNotify = 0;
constexpr std::uint8_t kUserCanceled = 90;

struct SuiteInfo {
  const char* cipher;
  const EVP_MD* (*digest)();
  std::uint8_t key_size;
  std::uint8_t hash_size;
};

const SuiteInfo& info(Suite suite) {
  static constexpr SuiteInfo kInfo[] = {
      {"AES-128-GCM", EVP_sha256, 16, 32},
      {"AES-256-GCM", EVP_sha384, 32, 48},
      {"ChaCha20-Poly1305", EVP_sha256, 32, 32},
  };
  return kInfo[static_cast<std::size_t>(suite)];
}

// One cipher context per suite and thread, keyed again for every record: a connection keeps
// only its keys (a context is about 0.85 KB), and re-keying costs far less than a record's
// system call.
class ThreadContexts {
 public:
  ThreadContexts() = default;
  ThreadContexts(const ThreadContexts&) = delete;
  ThreadContexts& operator=(const ThreadContexts&) = delete;
  ~ThreadContexts() {
    for (EVP_CIPHER_CTX* context : contexts_) EVP_CIPHER_CTX_free(context);
  }

  EVP_CIPHER_CTX* get(Suite suite) {
    EVP_CIPHER_CTX*& context = contexts_[static_cast<std::size_t>(suite)];
    if (context == nullptr) {
      context = EVP_CIPHER_CTX_new();
      if (context != nullptr &&
          EVP_CipherInit_ex2(context, cipher(suite), nullptr, nullptr, 1, nullptr) != 1) {
        EVP_CIPHER_CTX_free(context);
        context = nullptr;
      }
    }
    return context;
  }

 private:
  static const EVP_CIPHER* cipher(Suite suite) {
    static const std::array<EVP_CIPHER*, 3> fetched = {
        EVP_CIPHER_fetch(nullptr, info(Suite::kAes128GcmSha256).cipher, nullptr),
        EVP_CIPHER_fetch(nullptr, info(Suite::kAes256GcmSha384).cipher, nullptr),
        EVP_CIPHER_fetch(nullptr, info(Suite::kChaCha20Poly1305Sha256).cipher, nullptr)};
    return fetched[static_cast<std::size_t>(suite)];
  }

  std::array<EVP_CIPHER_CTX*, 3> contexts_{};
};

EVP_CIPHER_CTX* context_for(Suite suite) {
  thread_local ThreadContexts contexts;
  return contexts.get(suite);
}

void write_header(std::uint8_t* at, std::size_t length) {
  at[0] = kApplicationData;  // the outer type of every protected record
  at[1] = 0x03;
  at[2] = 0x03;
  at[3] = static_cast<std::uint8_t>(length >> 8);
  at[4] = static_cast<std::uint8_t>(length);
}

class RecordCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "tls13 record"; }
  std::string message(int value) const override {
    switch (static_cast<RecordError>(value)) {
      case RecordError::kBadRecordMac:
        return "a TLS record did not authenticate";
      case RecordError::kRecordOverflow:
        return "a TLS record is longer than allowed";
      case RecordError::kUnexpectedMessage:
        return "a TLS record or message not allowed after the handshake";
      case RecordError::kDecodeError:
        return "a malformed TLS alert or handshake message";
      case RecordError::kPeerAlert:
        return "the peer sent a TLS error alert";
      case RecordError::kSequenceExhausted:
        return "the TLS record sequence number is exhausted";
      case RecordError::kClosed:
        return "the TLS connection was closed (close_notify sent)";
    }
    return "TLS record error";
  }
};

}  // namespace

std::optional<Suite> suite_from_cipher_id(std::uint32_t id) {
  switch (id) {
    case TLS1_3_CK_AES_128_GCM_SHA256:
      return Suite::kAes128GcmSha256;
    case TLS1_3_CK_AES_256_GCM_SHA384:
      return Suite::kAes256GcmSha384;
    case TLS1_3_CK_CHACHA20_POLY1305_SHA256:
      return Suite::kChaCha20Poly1305Sha256;
    default:
      return std::nullopt;
  }
}

std::size_t secret_size(Suite suite) { return info(suite).hash_size; }

const boost::system::error_category& record_category() {
  static const RecordCategory category;
  return category;
}

error_code make_error_code(RecordError error) {
  return error_code(static_cast<int>(error), record_category());
}

std::optional<std::uint8_t> alert_for(RecordError error) {
  switch (error) {
    case RecordError::kBadRecordMac:
      return 20;
    case RecordError::kRecordOverflow:
      return 22;
    case RecordError::kUnexpectedMessage:
      return 10;
    case RecordError::kDecodeError:
      return 50;
    default:
      return std::nullopt;  // the peer's alert, or nothing left to protect it with
  }
}

void expand_label(Suite suite, std::span<const std::uint8_t> secret, std::string_view label,
                  std::span<std::uint8_t> out) {
  // HkdfLabel (RFC 8446 §7.1): length, "tls13 " + label, an empty context; then T(1) =
  // HMAC(secret, HkdfLabel || 0x01), of which out.size() ≤ hash length bytes are used.
  std::array<std::uint8_t, 2 + 1 + 255 + 1 + 1> hkdf_label{};
  const std::string_view prefix = "tls13 ";
  std::size_t n = 0;
  hkdf_label[n++] = static_cast<std::uint8_t>(out.size() >> 8);
  hkdf_label[n++] = static_cast<std::uint8_t>(out.size());
  hkdf_label[n++] = static_cast<std::uint8_t>(prefix.size() + label.size());
  n = std::copy(prefix.begin(), prefix.end(), hkdf_label.begin() + n) - hkdf_label.begin();
  n = std::copy(label.begin(), label.end(), hkdf_label.begin() + n) - hkdf_label.begin();
  hkdf_label[n++] = 0;  // context length
  hkdf_label[n++] = 1;  // the block counter of T(1)
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> block{};
  unsigned int block_size = 0;
  HMAC(info(suite).digest(), secret.data(), static_cast<int>(secret.size()), hkdf_label.data(), n,
       block.data(), &block_size);
  std::copy_n(block.begin(), std::min<std::size_t>(out.size(), block_size), out.begin());
  OPENSSL_cleanse(block.data(), block.size());
}

TrafficKeys::TrafficKeys(Suite suite, std::span<const std::uint8_t> secret)
    : suite_(suite), secret_size_(info(suite).hash_size), key_size_(info(suite).key_size) {
  std::copy_n(secret.begin(), std::min<std::size_t>(secret.size(), secret_size_), secret_.begin());
  derive();
}

TrafficKeys::~TrafficKeys() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(iv_.data(), iv_.size());
}

void TrafficKeys::derive() {
  const std::span<const std::uint8_t> secret(secret_.data(), secret_size_);
  expand_label(suite_, secret, "key", std::span(key_.data(), key_size_));
  expand_label(suite_, secret, "iv", iv_);
  sequence_ = 0;
}

void TrafficKeys::update() {
  std::array<std::uint8_t, kMaxSecret> next{};
  expand_label(suite_, std::span(secret_.data(), secret_size_), "traffic upd",
               std::span(next.data(), secret_size_));
  secret_ = next;
  OPENSSL_cleanse(next.data(), next.size());
  derive();
}

bool TrafficKeys::seal(std::span<const std::uint8_t, kHeaderSize> header,
                       std::span<std::uint8_t> data, std::span<std::uint8_t, kTagSize> tag) {
  return crypt(true, header, data, tag.data());
}

bool TrafficKeys::open(std::span<const std::uint8_t, kHeaderSize> header,
                       std::span<std::uint8_t> data, std::span<const std::uint8_t, kTagSize> tag) {
  std::array<std::uint8_t, kTagSize> expected{};
  std::copy(tag.begin(), tag.end(), expected.begin());
  return crypt(false, header, data, expected.data());
}

bool TrafficKeys::crypt(bool encrypt, std::span<const std::uint8_t, kHeaderSize> header,
                        std::span<std::uint8_t> data, std::uint8_t* tag) {
  if (exhausted()) return false;
  // The per-record nonce: the IV XOR the sequence number, left-padded (RFC 8446 §5.3).
  std::array<std::uint8_t, 12> nonce = iv_;
  for (int i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<std::uint8_t>(sequence_ >> (8 * i));
  EVP_CIPHER_CTX* context = context_for(suite_);
  int size = 0;
  bool ok = context != nullptr &&
            EVP_CipherInit_ex2(context, nullptr, key_.data(), nonce.data(), encrypt ? 1 : 0,
                               nullptr) == 1 &&
            (encrypt || EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG, kTagSize, tag) == 1) &&
            EVP_CipherUpdate(context, nullptr, &size, header.data(), kHeaderSize) == 1 &&
            EVP_CipherUpdate(context, data.data(), &size, data.data(),
                             static_cast<int>(data.size())) == 1 &&
            EVP_CipherFinal_ex(context, data.data() + size, &size) == 1 &&
            (!encrypt || EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, kTagSize, tag) == 1);
  if (ok) ++sequence_;
  return ok;
}

RecordLayer::RecordLayer(Suite suite, std::span<const std::uint8_t> read_secret,
                         std::span<const std::uint8_t> write_secret)
    : read_(suite, read_secret), write_(suite, write_secret) {}

void RecordLayer::received(std::span<const std::uint8_t> bytes) {
  input_.insert(input_.end(), bytes.begin(), bytes.end());
}

bool RecordLayer::readable() const {
  return plain_start_ < plain_.size() || whole_record_size() > 0 || failed_ || peer_closed_;
}

std::size_t RecordLayer::whole_record_size() const {
  if (input_.size() < kHeaderSize) return 0;
  const std::size_t size = kHeaderSize + (std::size_t{input_[3]} << 8 | input_[4]);
  // A record too long to be valid counts as whole: opening it reports the overflow.
  if (size > kHeaderSize + kMaxCiphertext) return size;
  return input_.size() >= size ? size : 0;
}

void RecordLayer::consume_input(std::size_t size) {
  if (size >= input_.size()) {
    std::vector<std::uint8_t>().swap(input_);  // give the memory back while idle
  } else {
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(size));
  }
}

RecordLayer::Read RecordLayer::fail(RecordError error) {
  failed_ = make_error_code(error);
  std::vector<std::uint8_t>().swap(input_);
  return Read{0, failed_};
}

RecordLayer::Read RecordLayer::read(std::span<std::uint8_t> into) {
  if (failed_) return Read{0, failed_};
  if (plain_start_ < plain_.size()) {
    const std::size_t n = std::min(into.size(), plain_.size() - plain_start_);
    std::copy_n(plain_.begin() + static_cast<std::ptrdiff_t>(plain_start_), n, into.begin());
    plain_start_ += n;
    if (plain_start_ == plain_.size()) {
      std::vector<std::uint8_t>().swap(plain_);
      plain_start_ = 0;
    }
    return Read{n, {}};
  }
  while (!peer_closed_) {
    std::uint8_t type = 0;
    std::span<std::uint8_t> content;
    const std::size_t size = whole_record_size();
    if (size == 0) return Read{};
    if (error_code ec = open_record(type, content)) {
      return fail(static_cast<RecordError>(ec.value()));
    }
    error_code ec;
    std::size_t delivered = 0;
    if (type == kApplicationData) {
      delivered = std::min(into.size(), content.size());
      std::copy_n(content.begin(), delivered, into.begin());
      plain_.assign(content.begin() + static_cast<std::ptrdiff_t>(delivered), content.end());
    } else if (type == kAlert) {
      ec = on_alert(content);
    } else if (type == kHandshake) {
      ec = on_handshake(content);
    } else {
      ec = RecordError::kUnexpectedMessage;  // a protected change_cipher_spec, or unknown
    }
    consume_input(size);
    if (ec) return fail(static_cast<RecordError>(ec.value()));
    if (delivered > 0 || !plain_.empty()) return Read{delivered, {}};
  }
  return Read{0, {}, true};
}

error_code RecordLayer::open_record(std::uint8_t& type, std::span<std::uint8_t>& content) {
  const std::size_t length = std::size_t{input_[3]} << 8 | input_[4];
  // After the handshake every record is protected: change_cipher_spec is allowed only
  // before the peer's Finished (RFC 8446 §5).
  if (input_[0] != kApplicationData) return RecordError::kUnexpectedMessage;
  if (length > kMaxCiphertext) return RecordError::kRecordOverflow;
  if (length < kTagSize + 1) return RecordError::kDecodeError;
  if (read_.exhausted()) return RecordError::kSequenceExhausted;
  const std::span<const std::uint8_t, kHeaderSize> header(input_.data(), kHeaderSize);
  const std::span<std::uint8_t> body(input_.data() + kHeaderSize, length - kTagSize);
  const std::span<const std::uint8_t, kTagSize> tag(body.data() + body.size(), kTagSize);
  if (!read_.open(header, body, tag)) return RecordError::kBadRecordMac;
  // TLSInnerPlaintext: content, the real type, then zero padding.
  std::size_t end = body.size();
  while (end > 0 && body[end - 1] == 0) --end;
  if (end == 0) return RecordError::kUnexpectedMessage;
  type = body[end - 1];
  content = body.first(end - 1);
  if (content.size() > kMaxPlaintext) return RecordError::kRecordOverflow;
  return {};
}

error_code RecordLayer::on_alert(std::span<const std::uint8_t> content) {
  if (content.size() != 2) return RecordError::kDecodeError;
  if (content[1] == kCloseNotify) {
    peer_closed_ = true;
    return {};
  }
  // user_canceled announces a close_notify; every other alert is an error (RFC 8446 §6).
  return content[1] == kUserCanceled ? error_code{} : make_error_code(RecordError::kPeerAlert);
}

error_code RecordLayer::on_handshake(std::span<const std::uint8_t> content) {
  // The only handshake message a client sends after its Finished here is KeyUpdate (no
  // post-handshake authentication is requested). It must end its record: a key change is
  // aligned with a record boundary (RFC 8446 §5.1); fragments of it are refused.
  if (content.size() != 5 || content[0] != kKeyUpdate) return RecordError::kUnexpectedMessage;
  if (content[1] != 0 || content[2] != 0 || content[3] != 1) return RecordError::kDecodeError;
  if (content[4] > 1) return RecordError::kDecodeError;
  read_.update();
  if (content[4] == 1) key_update_owed_ = true;  // ours goes out before our next data
  return {};
}

error_code RecordLayer::seal(std::span<const std::uint8_t> plain, std::vector<std::uint8_t>& out) {
  if (closed_) return RecordError::kClosed;
  if (key_update_owed_) {
    static constexpr std::array<std::uint8_t, 5> kUpdateNotRequested = {kKeyUpdate, 0, 0, 1, 0};
    if (error_code ec = seal_record(kHandshake, kUpdateNotRequested, out)) return ec;
    write_.update();
    key_update_owed_ = false;
  }
  return seal_record(kApplicationData, plain.first(std::min(plain.size(), kMaxPlaintext)), out);
}

error_code RecordLayer::seal_alert(std::uint8_t description, std::vector<std::uint8_t>& out) {
  if (closed_) return RecordError::kClosed;
  const std::array<std::uint8_t, 2> alert = {
      static_cast<std::uint8_t>(description == kCloseNotify ? 1 : 2), description};
  error_code ec = seal_record(kAlert, alert, out);
  if (!ec && description == kCloseNotify) closed_ = true;
  return ec;
}

error_code RecordLayer::seal_record(std::uint8_t type, std::span<const std::uint8_t> content,
                                    std::vector<std::uint8_t>& out) {
  if (write_.exhausted()) return RecordError::kSequenceExhausted;
  const std::size_t start = out.size();
  const std::size_t protected_size = content.size() + 1;
  out.resize(start + kHeaderSize + protected_size + kTagSize);
  std::uint8_t* record = out.data() + start;
  write_header(record, protected_size + kTagSize);
  std::copy(content.begin(), content.end(), record + kHeaderSize);
  record[kHeaderSize + content.size()] = type;
  const std::span<std::uint8_t> body(record + kHeaderSize, protected_size);
  if (!write_.seal(std::span<const std::uint8_t, kHeaderSize>(record, kHeaderSize), body,
                   std::span<std::uint8_t, kTagSize>(body.data() + protected_size, kTagSize))) {
    out.resize(start);
    return RecordError::kSequenceExhausted;
  }
  return {};
}

}  // namespace twostep::server::tls13
