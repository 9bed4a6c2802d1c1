// SecretBytes holds key material and wipes it when it goes away. It has no stream operator,
// so a secret cannot end up in a log line by accident.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace twostep::core {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t n) : bytes_(n) {}
  explicit SecretBytes(std::span<const std::uint8_t> data) : bytes_(data.begin(), data.end()) {}
  static SecretBytes from_string(std::string_view s);
  SecretBytes(const SecretBytes& other) = default;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  std::span<const std::uint8_t> view() const { return bytes_; }
  std::span<std::uint8_t> mutable_view() { return bytes_; }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  /// Explicit, greppable escape hatch for APIs that need a string (e.g. liboath).
  std::string_view unsafe_string_view() const {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  void wipe();

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace twostep::core
