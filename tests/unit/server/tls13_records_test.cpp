#include "server/tls13_records.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <openssl/rand.h>

namespace twostep::server::tls13 {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes from_hex(std::string_view hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes random_secret(Suite suite) {
  Bytes secret(secret_size(suite));
  RAND_bytes(secret.data(), static_cast<int>(secret.size()));
  return secret;
}

// A connection's two ends: the server's record layer and a peer playing the client (the
// same class with the secrets swapped), plus the client's write keys to forge records with.
class Tls13RecordsTest : public ::testing::TestWithParam<Suite> {
 protected:
  Tls13RecordsTest()
      : client_secret_(random_secret(GetParam())),
        server_secret_(random_secret(GetParam())),
        server_(GetParam(), client_secret_, server_secret_),
        client_(GetParam(), server_secret_, client_secret_),
        forger_(GetParam(), client_secret_) {}

  // Everything `from` can read now, in reads of at most `chunk` bytes.
  static std::string drain(RecordLayer& from, std::size_t chunk = 4096) {
    std::string text;
    Bytes buffer(chunk);
    for (;;) {
      const RecordLayer::Read got = from.read(buffer);
      if (got.bytes == 0) return text;
      text.append(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got.bytes));
    }
  }

  static Bytes sealed(RecordLayer& layer, std::string_view text) {
    Bytes out;
    EXPECT_FALSE(layer.seal(bytes_of(text), out));
    return out;
  }

  // A record the client's keys protect, whose inner plaintext (content, type, padding) is
  // given as is: what a well-behaved RecordLayer never seals.
  Bytes forge(Bytes inner) {
    Bytes record = {23, 3, 3, 0, 0};
    const std::size_t length = inner.size() + kTagSize;
    record[3] = static_cast<std::uint8_t>(length >> 8);
    record[4] = static_cast<std::uint8_t>(length);
    record.insert(record.end(), inner.begin(), inner.end());
    record.resize(record.size() + kTagSize);
    const std::span<std::uint8_t> all(record);
    EXPECT_TRUE(forger_.seal(all.first<kHeaderSize>(), all.subspan(kHeaderSize, inner.size()),
                             all.last<kTagSize>()));
    return record;
  }

  RecordLayer::Read read_one() {
    Bytes buffer(4096);
    return server_.read(buffer);
  }

  Bytes client_secret_;
  Bytes server_secret_;
  RecordLayer server_;
  RecordLayer client_;
  TrafficKeys forger_;
};

TEST(Tls13ExpandLabel, DerivesTheTrafficKeyAndIvOfRfc8448) {
  // RFC 8448 §3, "derive write traffic keys for application data" (server side).
  const Bytes secret = from_hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
  Bytes key(16);
  Bytes iv(12);
  expand_label(Suite::kAes128GcmSha256, secret, "key", key);
  expand_label(Suite::kAes128GcmSha256, secret, "iv", iv);
  EXPECT_EQ(key, from_hex("9f02283b6c9c07efc26bb9f2ac92e356"));
  EXPECT_EQ(iv, from_hex("cf782b88dd83549aadf1e984"));
}

TEST_P(Tls13RecordsTest, CarriesDataBothWays) {
  server_.received(sealed(client_, "GET / HTTP/1.1"));
  EXPECT_TRUE(server_.readable());
  EXPECT_EQ(drain(server_), "GET / HTTP/1.1");
  EXPECT_FALSE(server_.readable());
  client_.received(sealed(server_, "HTTP/1.1 200 OK"));
  EXPECT_EQ(drain(client_), "HTTP/1.1 200 OK");
}

TEST_P(Tls13RecordsTest, ReadsRecordsArrivingTogetherOrByteByByte) {
  Bytes stream = sealed(client_, "one");
  for (std::string_view text : {"two", "three"}) {
    const Bytes more = sealed(client_, text);
    stream.insert(stream.end(), more.begin(), more.end());
  }
  for (std::size_t i = 0; i + 1 < stream.size(); ++i) {
    server_.received(std::span(stream).subspan(i, 1));
    const RecordLayer::Read got = read_one();
    EXPECT_FALSE(got.ec);
    if (got.bytes > 0) {
      EXPECT_TRUE(i == 24 || i == 49) << i;  // each record's last byte
    }
  }
  server_.received(std::span(stream).last(1));
  EXPECT_EQ(drain(server_), "three");
}

TEST_P(Tls13RecordsTest, AReadSmallerThanTheRecordGetsTheRestNext) {
  server_.received(sealed(client_, "0123456789"));
  EXPECT_EQ(drain(server_, 3), "0123456789");
}

TEST_P(Tls13RecordsTest, SealsAtMostOneFullRecordPerCall) {
  const std::string big(kMaxPlaintext + 100, 'x');
  const Bytes record = sealed(client_, big);
  EXPECT_EQ(record.size(), kHeaderSize + kMaxPlaintext + 1 + kTagSize);
  server_.received(record);
  EXPECT_EQ(drain(server_).size(), kMaxPlaintext);
}

TEST_P(Tls13RecordsTest, ARecordThatDoesNotAuthenticateEndsTheConnection) {
  Bytes record = sealed(client_, "transfer 10 EUR");
  record[kHeaderSize + 9] ^= 0x01;
  server_.received(record);
  EXPECT_EQ(read_one().ec, RecordError::kBadRecordMac);
  server_.received(sealed(client_, "more"));
  EXPECT_TRUE(server_.readable());
  EXPECT_EQ(read_one().ec, RecordError::kBadRecordMac);  // failed for good
}

TEST_P(Tls13RecordsTest, AReplayedRecordDoesNotAuthenticate) {
  const Bytes record = sealed(client_, "approve");
  server_.received(record);
  EXPECT_EQ(drain(server_), "approve");
  server_.received(record);  // the next sequence number: another nonce
  EXPECT_EQ(read_one().ec, RecordError::kBadRecordMac);
}

TEST_P(Tls13RecordsTest, RefusesRecordsLongerThanTheProtocolAllows) {
  const std::size_t length = kMaxCiphertext + 1;
  server_.received(
      Bytes{23, 3, 3, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
  EXPECT_TRUE(server_.readable());  // no need to wait for the body
  EXPECT_EQ(read_one().ec, RecordError::kRecordOverflow);
}

TEST_P(Tls13RecordsTest, RefusesUnprotectedRecordsAfterTheHandshake) {
  server_.received(Bytes{20, 3, 3, 0, 1, 1});  // change_cipher_spec
  EXPECT_EQ(read_one().ec, RecordError::kUnexpectedMessage);
}

TEST_P(Tls13RecordsTest, RemovesPaddingAndRefusesARecordOfPaddingOnly) {
  server_.received(forge({'h', 'i', 23, 0, 0, 0, 0}));
  EXPECT_EQ(drain(server_), "hi");
  server_.received(forge({0, 0, 0}));
  EXPECT_EQ(read_one().ec, RecordError::kUnexpectedMessage);
}

TEST_P(Tls13RecordsTest, SkipsEmptyApplicationDataRecords) {
  Bytes stream = forge({23});
  const Bytes data = forge({'x', 23});
  stream.insert(stream.end(), data.begin(), data.end());
  server_.received(stream);
  EXPECT_EQ(drain(server_), "x");
}

TEST_P(Tls13RecordsTest, CloseNotifyEndsTheStreamAndUserCanceledIsNoError) {
  server_.received(forge({1, 90, 21}));  // user_canceled
  server_.received(forge({1, 0, 21}));   // close_notify
  const RecordLayer::Read got = read_one();
  EXPECT_TRUE(got.peer_closed);
  EXPECT_FALSE(got.ec);
  EXPECT_TRUE(read_one().peer_closed);
}

TEST_P(Tls13RecordsTest, AnErrorAlertOrAMalformedOneFails) {
  server_.received(forge({2, 40, 21}));  // handshake_failure
  EXPECT_EQ(read_one().ec, RecordError::kPeerAlert);
}

TEST_P(Tls13RecordsTest, RefusesAMalformedAlert) {
  server_.received(forge({2, 21}));
  EXPECT_EQ(read_one().ec, RecordError::kDecodeError);
}

TEST_P(Tls13RecordsTest, AKeyUpdateRenewsTheReadKeysAndARequestedOneIsAnswered) {
  // The client asks for an update, then sends data under its next keys.
  server_.received(forge({24, 0, 0, 1, 1, 22}));
  forger_.update();
  server_.received(forge({'n', 'e', 'x', 't', 23}));
  EXPECT_EQ(drain(server_), "next");
  // The server's next data goes after a KeyUpdate of its own; the peer follows it.
  const Bytes answer = sealed(server_, "ok");
  EXPECT_EQ(answer.size(), 2 * (kHeaderSize + kTagSize + 1) + 5 + 2);
  client_.received(answer);
  EXPECT_EQ(drain(client_), "ok");
  client_.received(sealed(server_, "again"));  // once only
  EXPECT_EQ(drain(client_), "again");
}

TEST_P(Tls13RecordsTest, RefusesOtherHandshakeMessagesAndSplitKeyUpdates) {
  server_.received(forge({4, 0, 0, 1, 0, 22}));  // NewSessionTicket
  EXPECT_EQ(read_one().ec, RecordError::kUnexpectedMessage);
}

TEST_P(Tls13RecordsTest, RefusesAKeyUpdateSharingItsRecord) {
  server_.received(forge({24, 0, 0, 1, 0, 24, 0, 0, 1, 0, 22}));
  EXPECT_EQ(read_one().ec, RecordError::kUnexpectedMessage);
}

TEST_P(Tls13RecordsTest, RefusesAKeyUpdateWithAnUnknownRequest) {
  server_.received(forge({24, 0, 0, 1, 2, 22}));
  EXPECT_EQ(read_one().ec, RecordError::kDecodeError);
}

TEST_P(Tls13RecordsTest, SealsNothingAfterItsCloseNotify) {
  Bytes out;
  EXPECT_FALSE(server_.seal_alert(0, out));
  client_.received(out);
  EXPECT_TRUE(client_.read(std::span<std::uint8_t>()).peer_closed);
  EXPECT_EQ(server_.seal(bytes_of("late"), out), RecordError::kClosed);
}

INSTANTIATE_TEST_SUITE_P(EverySuite, Tls13RecordsTest,
                         ::testing::Values(Suite::kAes128GcmSha256, Suite::kAes256GcmSha384,
                                           Suite::kChaCha20Poly1305Sha256));

}  // namespace
}  // namespace twostep::server::tls13
