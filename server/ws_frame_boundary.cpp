// RFC 6455 §5.2 frame header: 2 bytes, then a 2- or 8-byte extended length, then a 4-byte
// mask key when the mask bit is set, then the payload.
#include "server/ws_frame_boundary.hpp"

#include <algorithm>

namespace twostep::server {
namespace {

constexpr std::size_t kBaseHeader = 2;
constexpr std::size_t kMaskKey = 4;

std::uint64_t big_endian(const unsigned char* bytes, std::size_t count) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < count; ++i) value = (value << 8) | bytes[i];
  return value;
}

}  // namespace

std::size_t FrameBoundary::limit(std::size_t wanted) const {
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, need_));
}

void FrameBoundary::observe(const unsigned char* data, std::size_t size) {
  while (size > 0) {
    const std::size_t take = limit(size);
    if (part_ != Part::kPayload) {
      std::copy_n(data, take, header_.begin() + static_cast<std::ptrdiff_t>(have_));
      have_ += take;
    }
    need_ -= take;
    data += take;
    size -= take;
    if (need_ == 0) end_of_part();
  }
}

// Called when the current part is complete.
void FrameBoundary::end_of_part() {
  if (part_ == Part::kPayload) {
    start_payload(0);
    return;
  }
  const unsigned char second = header_[1];
  const std::uint64_t short_length = second & 0x7Fu;
  if (part_ == Part::kHead) {
    extended_ = short_length == 126 ? 2 : short_length == 127 ? 8 : 0;
    const std::size_t rest = extended_ + ((second & 0x80u) != 0 ? kMaskKey : 0);
    if (rest > 0) {
      part_ = Part::kExtended;
      need_ = rest;
      return;
    }
    start_payload(short_length);
    return;
  }
  start_payload(extended_ == 0 ? short_length
                               : big_endian(header_.data() + kBaseHeader, extended_));
}

void FrameBoundary::start_payload(std::uint64_t length) {
  have_ = 0;
  if (length == 0) {
    part_ = Part::kHead;
    need_ = kBaseHeader;
  } else {
    part_ = Part::kPayload;
    need_ = length;
  }
}

}  // namespace twostep::server
