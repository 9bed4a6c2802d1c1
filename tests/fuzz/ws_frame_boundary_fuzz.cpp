// The WebSocket frame follower of the server's TLS stream (server/ws_frame_boundary.hpp):
// it sees every byte a device sends before Beast does, so a mistake would hand Beast bytes
// of the next frame (an idle session would then wait on the socket for bytes already read)
// or stall a read. The input is a byte stream; its first byte seeds the chunk sizes in which
// the stream arrives. Properties: every chunk the follower allows is at least one byte, and
// it reports a frame boundary exactly at the frame ends a whole-buffer parse of RFC 6455
// §5.2 finds.
#include <cstddef>
#include <cstdint>
#include <set>

#include "server/ws_frame_boundary.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using twostep::fuzz::check;

namespace {

// Frame ends (offsets just past each complete frame) of `data`, parsed in one go.
std::set<std::size_t> frame_ends(const std::uint8_t* data, std::size_t size) {
  std::set<std::size_t> ends;
  std::size_t at = 0;
  while (size - at >= 2) {
    const std::uint64_t short_length = data[at + 1] & 0x7Fu;
    const std::size_t extended = short_length == 126 ? 2 : short_length == 127 ? 8 : 0;
    const std::size_t header = 2 + extended + ((data[at + 1] & 0x80u) != 0 ? 4 : 0);
    if (size - at < header) break;
    std::uint64_t length = short_length;
    if (extended != 0) {
      length = 0;
      for (std::size_t i = 0; i < extended; ++i) length = (length << 8) | data[at + 2 + i];
    }
    if (length > size - at - header) break;
    at += header + static_cast<std::size_t>(length);
    ends.insert(at);
  }
  return ends;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::uint32_t chunk_seed = data[0] | 1u;
  ++data;
  --size;
  const std::set<std::size_t> ends = frame_ends(data, size);
  twostep::server::FrameBoundary follower;
  check(follower.at_boundary(), "a fresh follower is at a boundary");
  for (std::size_t at = 0; at < size;) {
    chunk_seed = chunk_seed * 1103515245u + 12345u;
    const std::size_t wanted = 1 + (chunk_seed >> 16) % 64;
    const std::size_t allowed = follower.limit(std::min(wanted, size - at));
    check(allowed >= 1, "the follower allows at least one byte");
    check(allowed <= wanted, "the follower never allows more than asked");
    follower.observe(data + at, allowed);
    at += allowed;
    check(follower.at_boundary() == ends.contains(at), "boundaries are exactly the frame ends");
  }
  return 0;
}
