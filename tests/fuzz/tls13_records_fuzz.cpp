// The server's TLS 1.3 record layer (server/tls13_records.hpp): after the handshake it
// parses every byte a client sends. The input's first byte seeds the chunk sizes in which
// bytes arrive, the second picks the mode:
// - even: the rest is raw bytes from an attacker without the keys. Properties: no plaintext
//   is ever delivered (nothing authenticates), and once the layer fails it stays failed.
// - odd: the rest is cut into messages a peer holding the keys seals, in order; bytes 2–3
//   name one byte of the sealed stream to flip (past the end: none). Properties: what is read
//   is always a prefix of what was sent; with nothing flipped it is all of it, without error.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "server/tls13_records.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using twostep::fuzz::check;
using twostep::server::tls13::RecordLayer;
using twostep::server::tls13::Suite;

namespace {

const std::vector<std::uint8_t> kClientSecret(32, 0x11);
const std::vector<std::uint8_t> kServerSecret(32, 0x22);

struct Delivery {
  std::string read;
  bool failed = false;
};

// Feeds `stream` to a fresh server-side layer in pseudo-random chunks, reading after each.
Delivery deliver(const std::vector<std::uint8_t>& stream, std::uint32_t seed) {
  RecordLayer server(Suite::kAes128GcmSha256, kClientSecret, kServerSecret);
  Delivery result;
  std::vector<std::uint8_t> buffer(512);
  for (std::size_t at = 0; at < stream.size() && !result.failed;) {
    seed = seed * 1103515245u + 12345u;
    const std::size_t chunk = std::min<std::size_t>(1 + (seed >> 16) % 700, stream.size() - at);
    server.received(std::span(stream).subspan(at, chunk));
    at += chunk;
    for (;;) {
      const RecordLayer::Read got = server.read(buffer);
      if (got.ec) {
        result.failed = true;
        check(server.readable() && server.read(buffer).ec == got.ec, "a failure is final");
        break;
      }
      if (got.bytes == 0) break;
      result.read.append(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got.bytes));
    }
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint32_t seed = data[0] | 1u;
  const bool sealed_by_peer = (data[1] & 1u) != 0;
  const std::size_t flip = std::size_t{data[2]} << 8 | data[3];
  const std::vector<std::uint8_t> rest(data + 4, data + size);
  if (!sealed_by_peer) {
    check(deliver(rest, seed).read.empty(), "bytes without the keys never authenticate");
    return 0;
  }
  // Messages: each byte below 16 ends one (a message of at least one byte).
  RecordLayer client(Suite::kAes128GcmSha256, kServerSecret, kClientSecret);
  std::vector<std::uint8_t> stream;
  std::string sent;
  for (std::size_t start = 0; start < rest.size();) {
    std::size_t end = start + 1;
    while (end < rest.size() && rest[end - 1] >= 16) ++end;
    const std::span<const std::uint8_t> message(rest.data() + start, end - start);
    check(!client.seal(message, stream), "the peer seals");
    sent.append(message.begin(), message.end());
    start = end;
  }
  const bool flipped = flip < stream.size();
  if (flipped) stream[flip] ^= 0x01;
  const Delivery got = deliver(stream, seed);
  check(sent.starts_with(got.read), "what is read was sent, in order");
  if (!flipped) check(!got.failed && got.read == sent, "an intact stream is read whole");
  if (flipped) check(got.failed || got.read.size() < sent.size(), "a flipped bit is noticed");
  return 0;
}
