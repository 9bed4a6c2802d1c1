// Follows the frames of a WebSocket byte stream (RFC 6455 §5.2) as it passes through the TLS
// layer, so that the layer never hands the WebSocket parser bytes beyond the end of the frame
// being read. Then, once a message has been read, the parser holds nothing unread: the next
// frame is still in OpenSSL's buffer or the socket, where a bare readiness wait sees it (an
// idle device waits that way instead of keeping a read pending, which costs memory).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace twostep::server {

class FrameBoundary {
 public:
  /// How many of `wanted` bytes may be handed on without crossing the current frame's end
  /// (at least 1 when `wanted` is not 0).
  std::size_t limit(std::size_t wanted) const;
  /// Notes bytes handed on (at most `limit` of them).
  void observe(const unsigned char* data, std::size_t size);
  /// True between frames: every byte handed on so far belongs to a complete frame.
  bool at_boundary() const { return part_ == Part::kHead && have_ == 0; }

 private:
  enum class Part { kHead, kExtended, kPayload };

  void end_of_part();
  void start_payload(std::uint64_t length);

  Part part_ = Part::kHead;
  std::uint64_t need_ = 2;    // bytes left in the current part
  std::size_t have_ = 0;      // header bytes collected
  std::size_t extended_ = 0;  // extended length bytes (0, 2 or 8)
  std::array<unsigned char, 14> header_{};
};

}  // namespace twostep::server
